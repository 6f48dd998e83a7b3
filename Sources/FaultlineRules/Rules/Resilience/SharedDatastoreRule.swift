public struct SharedDatastoreRule: Rule {
    public init() {}

    public static let description = RuleDescription(
        id: "shared-datastore",
        name: "Shared datastore",
        summary: "Two or more services write the same datastore.",
        severity: .warning,
        rationale: """
        A datastore that several services write is an API nobody owns. Its schema is a contract between teams, \
        so a migration needs every writer changed and deployed in lockstep, and an invariant one service keeps \
        in its code is broken by another's writes. Under load the writers share one set of locks and one \
        connection limit: with two services allowed 100 connections each against a database that takes 150, a \
        peak or a slow batch job in one starves the other, and one team's bad query becomes another team's \
        outage — with no service boundary where it could have been stopped.
        """,
        triggers: """
        A datastore that two or more services use with `access: read-write` (the default when `access:` is left \
        out). Services that only read do not count. One finding per datastore, on its key under `datastores:`.
        """,
        fix: """
        Give the datastore one owner. The other writers call the owner's API, or publish events that the owner \
        applies. Services that only need to read declare `access: read` (better still, read a replica or a \
        view the owner publishes). Where the sharing is a deliberate step of a migration, suppress the finding \
        with a reason.
        """,
        triggering: [
            Example("""
            faultline: 1
            services:
              ledger:
                datastores:
                  - name: ledger-db
              settlement-worker:
                datastores:
                  - name: ledger-db
                    access: read-write
              reporting:
                datastores:
                  - name: ledger-db
                    access: read
            datastores:
              ↓ledger-db: { kind: postgres }
            """),
        ],
        nonTriggering: [
            Example("""
            faultline: 1
            services:
              ledger:
                datastores: [ledger-db]
              settlement-worker:
                datastores:
                  - name: ledger-db
                    access: read
                  - name: settlement-db
            datastores:
              ledger-db: { kind: postgres }
              settlement-db: { kind: postgres }
            """),
        ]
    )

    public func check(_ context: RuleContext) -> [Finding] {
        let writers = context.analysis.messages.writers
        var findings: [Finding] = []
        for (id, datastore) in context.topology.datastores.enumerated() where writers[id].count >= 2 {
            let names = writers[id].map { context.serviceName($0) }
            findings.append(context.finding(
                "datastore \(datastore.name) is written by \(names.count) services (\(names.joined(separator: ", "))); its schema, locks and connections are shared by services that deploy and scale separately, so one's migration or load breaks the others — give it one owner and have the others call its API or publish events, or declare 'access: read' where they only read",
                at: datastore.location, datastore: datastore.name))
        }
        return findings
    }
}
