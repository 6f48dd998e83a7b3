/// Every rule faultline knows, in the order `faultline rules` lists them.
public enum RuleCatalog {
    public static let all: [any Rule.Type] = [
        // The five families the tool exists for.
        MissingTimeoutRule.self,
        MissingRetryPolicyRule.self,
        MissingDLQRule.self,
        SyncFanOutRule.self,
        ChattyCallChainRule.self,
        ChattyCallsRule.self,
        DistributedMonolithCycleRule.self,
        // Resilience in depth.
        RetryAmplificationRule.self,
        RetryWithoutBackoffRule.self,
        NonIdempotentRetryRule.self,
        TimeoutInversionRule.self,
        TimeoutBudgetRule.self,
        MissingCircuitBreakerRule.self,
        ExternalCallInRequestPathRule.self,
        NonIdempotentConsumerRule.self,
        UnboundedConsumerRule.self,
        SharedDatastoreRule.self,
        UnconsumedDLQRule.self,
        HubServiceRule.self,
        MissingTracingRule.self,
        // The gate's own hygiene.
        UnusedSuppressionRule.self,
    ]

    public static func rule(id: String) -> (any Rule.Type)? {
        all.first { $0.description.id == id }
    }
}
