import CRMModel
import Foundation
import LocalReplica
import SyncCore
import SyncEngine
import ServerStore

/// One deterministic run: an in-process server and four workstations with skewed clocks,
/// random edits, deletes, assignments, bookings and money entries, dozens of clients added
/// at once, random sync order, network faults and restarts, all decided by one seed; then
/// a quiesce and the checks. Office 0 is an executive's, office 2 a manager's; offices 1
/// and 3 belong to an executive, a manager or the front desk, as the seed decides, so
/// replicas hold only what their user may see and some changes are refused.
///
/// ```swift
/// let outcome = try Simulation(seed: 42).run()
/// if !outcome.failures.isEmpty { print(outcome.trace.joined(separator: "\n")) }
/// ```
public final class Simulation {
    /// What a run found.
    public struct Outcome: Sendable {
        /// The seed.
        public var seed: UInt64
        /// Every step and fault, in order: two runs of one seed give the same trace.
        public var trace: [String]
        /// Broken promises (empty when the run passed).
        public var failures: [String]
    }

    /// Settings of a run.
    public struct Settings: Sendable {
        /// Random steps before the quiesce.
        public var steps = 60
        /// The conflict rules (the negative control breaks the memo merge).
        public var rules = PushPlanner.Rules()
        /// Where the run's files go (a fresh directory is made inside).
        public var directory = FileManager.default.fileExists(atPath: "/dev/shm") ? "/dev/shm" : NSTemporaryDirectory()

        /// Creates settings.
        public init(steps: Int = 60, rules: PushPlanner.Rules = .init()) {
            self.steps = steps
            self.rules = rules
        }
    }

    let seed: UInt64
    let settings: Settings
    var random: SplitMix64
    let clock = SimClock(1_795_000_000_000)
    let network: SimNetwork
    var trace: [String] = []
    var offices: [Office] = []
    var words = MemoWords()
    var wordCounter = 0
    var staff: [UserID] = []
    var rooms: [String] = []

    /// A workstation: its replica file, clock skew, line to the server and its user.
    final class Office {
        let index: Int
        let path: String
        let configuration: ReplicaConfiguration
        let endpoint: InProcessEndpoint
        var replica: Replica
        /// The staff member whose workstation it is.
        var author: Permissions.Author { endpoint.device.author }

        init(index: Int, path: String, configuration: ReplicaConfiguration, endpoint: InProcessEndpoint, replica: Replica) {
            self.index = index
            self.path = path
            self.configuration = configuration
            self.endpoint = endpoint
            self.replica = replica
        }
    }

    /// Prepares a run of `seed`.
    public init(seed: UInt64, settings: Settings = .init()) {
        self.seed = seed
        self.settings = settings
        random = SplitMix64(seed: seed)
        network = SimNetwork(random: SplitMix64(seed: seed ^ 0x5eed_0f_fa17))
    }

    /// Runs the simulation and checks the outcome.
    public func run() throws -> Outcome {
        let directory = (settings.directory as NSString).appendingPathComponent("crm-sim-\(seed)-\(getpid())")
        try? FileManager.default.removeItem(atPath: directory)
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        // Empty store and replica files are copied from templates made once per process:
        // creating and migrating five SQLite files would take half of a run's time.
        let templates = try SimTemplates.shared(in: settings.directory, startMillis: clock.nowMillis())
        try FileManager.default.copyItem(atPath: templates.server, toPath: directory + "/server.sqlite")
        let storage = try SQLiteSyncStorage(path: directory + "/server.sqlite",
                                            ids: UUIDv7Generator(now: { [clock] in clock.nowMillis() }, seed: seed), rules: settings.rules)
        try setUp(storage, directory: directory, templates: templates)
        for step in 0..<settings.steps {
            clock.advance(by: Int64(1 + random.next() % 3_000))
            try self.step(step)
            trace.append(contentsOf: network.events.map { "  \($0)" })
            network.events.removeAll()
        }
        try quiesce()
        let failures = try check(storage)
        let audit = try storage.audit()
        trace.append("end: server holds " + audit.rows.keys.sorted().map { "\(audit.rows[$0]!.count) \($0)" }.joined(separator: ", "))
        return Outcome(seed: seed, trace: trace, failures: failures)
    }

    private func setUp(_ storage: SQLiteSyncStorage, directory: String, templates: SimTemplates) throws {
        let now = clock.nowMillis()
        let branch = try blocking { try await storage.addBranch(name: "Seoul", now: now) }
        let roles = ["executive", ["executive", "manager"][Int(random.next() % 2)], "manager", ["manager", "general"][Int(random.next() % 2)]]
        for (index, role) in roles.enumerated() {
            let name = "office\(index)"
            let user = try blocking { try await storage.addUser(name: name, role: role, team: "other", branch: branch, now: now) }
            let token = "token-\(index)"
            _ = try blocking { try await storage.addDevice(user: user, name: name, tokenHash: "sim-" + token) }
            guard let device = try blocking({ try await storage.device(tokenHash: "sim-" + token) }) else { throw SyncError.fatal("no device") }
            // Clocks up to a day off either way.
            let skew = Int64(random.next() % 172_800_001) - 86_400_000
            let configuration = ReplicaConfiguration(clock: SkewedClock(base: clock, skew: skew),
                                                     ids: UUIDv7Generator(now: { [clock] in clock.nowMillis() }, seed: seed &* 31 &+ UInt64(index)))
            let path = directory + "/\(name).crm"
            try FileManager.default.copyItem(atPath: templates.replicas[index], toPath: path)
            let replica = try Replica.open(at: path, configuration: configuration)
            let endpoint = InProcessEndpoint(storage: storage, device: device, index: index, network: network, clock: clock, maxSkewMillis: 60_000)
            _ = try SyncClient.register(replica: replica, endpoint: endpoint, serverURL: "sim://server")
            offices.append(Office(index: index, path: path, configuration: configuration, endpoint: endpoint, replica: replica))
            staff.append(UserID(user)!)
            trace.append("office\(index): \(role), clock skew \(skew) ms")
        }
        try offices[0].replica.write { writer in
            for name in ["Room A", "Room B"] { rooms.append(try writer.addRoom(name: name, capacity: 1, branch: nil).description) }
            // A few cards with memos, so the offices have something to disagree about at once.
            for _ in 0..<3 {
                let client = try writer.addClient(NewClient(name: "Client \(newWord())"))
                let text = (0..<4).map { _ in newWord() }.joined(separator: " ")
                let memo = try writer.addMemo(to: client, text: text)
                words.edit(memo: memo.description, client: client.description, base: nil, text: text)
            }
        }
        network.faults = .none
        for office in offices + offices { try sync(office) }
        network.faults = .init()
    }

    /// Pushes and pulls one office; transient failures (faults) are part of the game.
    @discardableResult
    func sync(_ office: Office) throws -> Bool {
        let client = SyncClient(replica: office.replica, endpoint: office.endpoint, clock: office.configuration.clock)
        do {
            _ = try client.sync()
            return true
        } catch let error as SyncError where error.recovery == .retry {
            return false
        }
    }

    private func step(_ number: Int) throws {
        let office = offices[Int(random.next() % 4)]
        let roll = random.next() % 100
        switch roll {
        case 0..<25:
            let ok = try sync(office)
            trace.append("\(number): office\(office.index) sync \(ok ? "ok" : "interrupted")")
        case 25..<28:
            office.replica = try Replica.open(at: office.path, configuration: office.configuration)
            trace.append("\(number): office\(office.index) restarts")
        case 28..<32:
            guard !network.held.isEmpty else { return trace.append("\(number): nothing held") }
            let (index, request) = network.held.remove(at: network.pick(network.held.count))
            _ = try offices[index].endpoint.deliver(request)
            trace.append("\(number): a held push from office\(index) arrives late")
        default:
            let description = try edit(office)
            trace.append("\(number): office\(office.index) \(description)")
        }
    }

    /// Syncs every office, with no faults, until nothing is pending and a full round pulls
    /// nothing new.
    private func quiesce() throws {
        network.faults = .none
        network.held.removeAll()
        for round in 0..<10 {
            var pulled = 0
            for office in offices {
                let report = try SyncClient(replica: office.replica, endpoint: office.endpoint, clock: office.configuration.clock).sync()
                pulled += report.pulled
            }
            let pending = try offices.map { try $0.replica.status().pending }.reduce(0, +)
            if pulled == 0 && pending == 0 && round > 0 { return }
        }
    }

    /// A new word nobody typed before.
    func newWord() -> String {
        wordCounter += 1
        return "w\(wordCounter)"
    }
}
