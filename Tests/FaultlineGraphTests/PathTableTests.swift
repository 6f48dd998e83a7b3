import FaultlineGraph
import FaultlineModel
import Testing

@Suite("Path tables: depth")
struct DepthTests {
    @Test("a chain: depth counts sync hops, the longest path lists the services")
    func chain() throws {
        let analysis = try analyse(services: """
              a: { calls: [{ to: b }] }
              b: { calls: [{ to: c }] }
              c: { calls: [{ to: d }] }
              d: {}
            """)
        #expect(try ["a", "b", "c", "d"].map { try analysis.depth($0) } == [3, 2, 1, 0])
        #expect(try analysis.longestPathNames(from: "a") == ["a", "b", "c", "d"])
        #expect(try analysis.longestPathNames(from: "d") == ["d"])
        #expect(analysis.paths.depthExit[analysis.component(of: try analysis.node("d"))] == nil)
    }

    @Test("the longest branch wins")
    func branches() throws {
        let analysis = try analyse(services: """
              a: { calls: [{ to: short }, { to: long1 }] }
              short: {}
              long1: { calls: [{ to: long2 }] }
              long2: {}
            """)
        #expect(try analysis.depth("a") == 2)
        #expect(try analysis.longestPathNames(from: "a") == ["a", "long1", "long2"])
    }

    @Test("entering a cycle is one hop and leaving it another")
    func cycleCollapsed() throws {
        let analysis = try analyse(services: """
              a: { calls: [{ to: b }] }
              b: { calls: [{ to: c }] }
              c: { calls: [{ to: b }, { to: d }] }
              d: {}
            """)
        #expect(try analysis.depth("a") == 2)
        #expect(try analysis.depth("b") == 1)
        #expect(try analysis.depth("c") == 1)
        #expect(try analysis.longestPathNames(from: "a") == ["a", "b", "c", "d"])
    }

    @Test("moves inside a cycle are free, however long the way round")
    func movesInsideAreFree() throws {
        let analysis = try analyse(services: """
              a: { calls: [{ to: b1 }] }
              b1: { calls: [{ to: b2 }] }
              b2: { calls: [{ to: b3 }] }
              b3: { calls: [{ to: b4 }, { to: out }] }
              b4: { calls: [{ to: b5 }] }
              b5: { calls: [{ to: b1 }] }
              out: {}
            """)
        #expect(try analysis.depth("a") == 2)
        #expect(try analysis.longestPathNames(from: "a") == ["a", "b1", "b2", "b3", "out"])
    }

    @Test("the longest path crosses a cycle from where it enters to where it leaves")
    func longestPathThroughCycle() throws {
        // Enters at c, leaves from b: the way round is c → d → b.
        let analysis = try analyse(services: """
              a: { calls: [{ to: c }] }
              b: { calls: [{ to: c }, { to: e }] }
              c: { calls: [{ to: d }] }
              d: { calls: [{ to: b }] }
              e: { calls: [{ to: f }] }
              f: {}
            """)
        #expect(try analysis.depth("a") == 3)
        #expect(try analysis.longestPathNames(from: "a") == ["a", "c", "d", "b", "e", "f"])
    }

    @Test("a cycle with no way out: depth 1 from outside, 0 inside")
    func cycleWithoutExit() throws {
        let analysis = try analyse(services: """
              a: { calls: [{ to: b }] }
              b: { calls: [{ to: c }] }
              c: { calls: [{ to: b }] }
            """)
        #expect(try analysis.depth("a") == 1)
        #expect(try analysis.depth("b") == 0)
        #expect(analysis.paths.depthExit[analysis.component(of: try analysis.node("b"))] == nil)
        #expect(try analysis.longestPathNames(from: "a") == ["a", "b"])
    }

    @Test("a self-call adds no hop")
    func selfCall() throws {
        let analysis = try analyse(services: """
              a: { calls: [{ to: a }, { to: b }] }
              b: {}
            """)
        #expect(try analysis.depth("a") == 1)
        #expect(try analysis.longestPathNames(from: "a") == ["a", "b"])
    }

    @Test("a call without operation: takes the target's deepest operation; with it, that one")
    func operationsForDepth() throws {
        let analysis = try analyse(services: """
              any: { calls: [{ to: t }] }
              named: { calls: [{ to: t, operation: Shallow }] }
              t:
                operations:
                  Shallow: {}
                  Deep: { calls: [{ to: u }] }
              u: { calls: [{ to: v }] }
              v: {}
            """)
        #expect(try analysis.depth("any") == 3)
        #expect(try analysis.depth("named") == 1)
        #expect(try analysis.depth("t", operation: "Deep") == 2)
        #expect(try analysis.longestPathNames(from: "any") == ["any", "t", "u", "v"])
    }

    @Test("the exit records the member, the call and the node it lands on")
    func exitRecord() throws {
        let analysis = try analyse(services: """
              a: { calls: [{ to: x }, { to: b }] }
              b: { calls: [{ to: c }] }
              c: {}
              x: {}
            """)
        let exit = try #require(analysis.paths.depthExit[analysis.component(of: try analysis.node("a"))])
        #expect(exit.from == (try analysis.node("a")))
        #expect(exit.to == (try analysis.node("b")))
        #expect(exit.call == analysis.topology.services[try analysis.service("a")].calls[1])
    }
}

@Suite("Path tables: call totals and amplification")
struct CallTotalTests {
    @Test("per_request multiplies down the path")
    func multipliedDown() throws {
        let analysis = try analyse(services: """
              a: { calls: [{ to: b, per_request: 2 }] }
              b: { calls: [{ to: c, per_request: 3 }] }
              c: { calls: [{ to: d, per_request: 5 }] }
              d: {}
            """)
        // d: 0; c: 5 × (1 + 0) = 5; b: 3 × (1 + 5) = 18; a: 2 × (1 + 18) = 38
        #expect(try ["a", "b", "c", "d"].map { try analysis.callTotal($0) } == [38, 18, 5, 0])
    }

    @Test("sibling calls add up")
    func siblingsAdd() throws {
        let analysis = try analyse(services: """
              a: { calls: [{ to: b, per_request: 2 }, { to: c }, { to: c, per_request: 4 }] }
              b: { calls: [{ to: c }] }
              c: {}
            """)
        // b: 1; a: 2 × (1 + 1) + 1 × 1 + 4 × 1 = 9
        #expect(try analysis.callTotal("a") == 9)
    }

    @Test("a call to an external service counts once")
    func externalCountsOnce() throws {
        let analysis = try analyse(services: """
              a: { calls: [{ to: pay, per_request: 3 }] }
              pay: { external: true }
            """)
        #expect(try analysis.callTotal("a") == 3)
    }

    @Test("in a cycle each member's calls count once")
    func cycleCountsOnce() throws {
        let analysis = try analyse(services: """
              a: { calls: [{ to: b }] }
              b: { calls: [{ to: c }] }
              c: { calls: [{ to: b }, { to: d, per_request: 4 }] }
              d: {}
            """)
        // {b, c}: b→c 1, c→b 1, c→d 4 × (1 + 0) = 6; a: 1 × (1 + 6) = 7
        #expect(try analysis.callTotal("b") == 6)
        #expect(try analysis.callTotal("c") == 6)
        #expect(try analysis.callTotal("a") == 7)
    }

    @Test("a call without operation: counts the target's largest operation")
    func worstOperationTotal() throws {
        let analysis = try analyse(services: """
              any: { calls: [{ to: t }] }
              named: { calls: [{ to: t, operation: Small }] }
              t:
                calls: [{ to: u }]
                operations:
                  Small: {}
                  Large: { calls: [{ to: u, per_request: 5 }] }
              u: {}
            """)
        #expect(try analysis.callTotal("t", operation: "Small") == 1)
        #expect(try analysis.callTotal("t", operation: "Large") == 6)
        #expect(try analysis.callTotal("any") == 7)
        #expect(try analysis.callTotal("named") == 2)
    }

    @Test("amplification multiplies max_attempts down the worst path; calls inside a cycle count 1")
    func amplification() throws {
        let analysis = try analyse(services: """
              a: { calls: [{ to: b, retry: { max_attempts: 3 } }, { to: x, retry: { max_attempts: 2 } }] }
              b: { calls: [{ to: c, retry: { max_attempts: 2 } }] }
              c: { calls: [{ to: b, retry: { max_attempts: 10 } }, { to: d, retry: { max_attempts: 4 } }] }
              d: {}
              x: {}
            """)
        // {b, c} → d: 4 (the 10 inside the cycle counts 1); a → b: 3 × 4 = 12
        #expect(analysis.paths.amplification[analysis.component(of: try analysis.node("b"))] == 4)
        #expect(analysis.paths.amplification[analysis.component(of: try analysis.node("a"))] == 12)
        let path = analysis.mostAmplifiedPath(from: try analysis.node("a"))
        #expect(analysis.names(path.services) == ["a", "b", "c", "d"])
        #expect(path.calls.map { analysis.topology.calls[$0].retry.maxAttempts } == [3, 4])
    }
}

@Suite("Path tables at scale")
struct PathScaleTests {
    /// `layers` layers of two services each, both calling both of the next layer,
    /// under one `top` service that calls both of the first.
    static func lattice(layers: Int, perRequest: Int, attempts: Int) -> String {
        var text = "faultline: 1\nservices:\n"
        let call = { (target: String) in "{ to: \(target), per_request: \(perRequest), retry: { max_attempts: \(attempts) } }" }
        text += "  top: { calls: [\(call("l0a")), \(call("l0b"))] }\n"
        for layer in 0..<layers {
            for side in ["a", "b"] {
                if layer + 1 < layers {
                    text += "  l\(layer)\(side): { calls: [\(call("l\(layer + 1)a")), \(call("l\(layer + 1)b"))] }\n"
                } else {
                    text += "  l\(layer)\(side): {}\n"
                }
            }
        }
        return text
    }

    @Test("a 60-layer diamond lattice (2^60 paths): depth and an exact total, quickly", .timeLimit(.minutes(1)))
    func latticeExact() throws {
        let clock = ContinuousClock()
        let start = clock.now
        let analysis = GraphAnalysis(try loadTopology(Self.lattice(layers: 60, perRequest: 1, attempts: 1)))
        #expect(clock.now - start < .seconds(10))
        #expect(try analysis.depth("top") == 60)
        #expect(try analysis.depth("l0a") == 59)
        #expect(try analysis.depth("l59b") == 0)
        // A layer's total is 2 × (1 + the next layer's): 2^(k+1) − 2 for k layers below.
        #expect(try analysis.callTotal("l58a") == 2)
        #expect(try analysis.callTotal("l0a") == (1 << 60) - 2)
        #expect(try analysis.callTotal("top") == (1 << 61) - 2)
        #expect(try analysis.longestPathNames(from: "top").count == 61)
        #expect(analysis.entryNames == ["top"])
    }

    @Test("the same lattice with per_request 3 and 3 attempts saturates instead of overflowing", .timeLimit(.minutes(1)))
    func latticeSaturates() throws {
        let analysis = GraphAnalysis(try loadTopology(Self.lattice(layers: 60, perRequest: 3, attempts: 3)))
        #expect(try analysis.callTotal("top") == Int.max)
        #expect(try analysis.callTotal("l0a") == Int.max)
        #expect(try analysis.callTotal("l58a") == 6)
        // Amplification from layer k is 3^(59 − k): 3^39 still fits in an Int, 3^60 does not.
        #expect(analysis.paths.amplification[analysis.component(of: try analysis.node("l20a"))] == 4_052_555_153_018_976_267)
        #expect(analysis.paths.amplification[analysis.component(of: try analysis.node("top"))] == Int.max)
    }

    @Test("a chain of 100 000 services built through the loader: depth 99 999", .timeLimit(.minutes(3)))
    func hundredThousandServices() throws {
        let count = 100_000
        var text = "faultline: 1\nservices:\n"
        text.reserveCapacity(count * 40)
        for index in 0..<count - 1 {
            text += "  s\(index): { calls: [{ to: s\(index + 1) }] }\n"
        }
        text += "  s\(count - 1): {}\n"
        let analysis = GraphAnalysis(try loadTopology(text))
        #expect(analysis.topology.services.count == count)
        #expect(analysis.entryNames == ["s0"])
        #expect(try analysis.depth("s0") == count - 1)
        #expect(try analysis.callTotal("s0") == count - 1)
        #expect(analysis.services.components.count == count)
        let path = try analysis.longestPathNames(from: "s0")
        #expect(path.count == count)
        #expect(path.last == "s\(count - 1)")
    }
}
