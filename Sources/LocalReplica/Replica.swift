import CRMModel
import Foundation
import GRDB
import SQLiteBinding
import Logging
import SyncCore

/// A workstation's replica: one SQLite file (WAL, foreign keys on) holding the client cards
/// this workstation may see, and an outbox of the changes made here and not yet
/// acknowledged by the server.
///
/// Every write runs in one transaction that changes the rows and appends their field-level
/// changes to the outbox, so a write that fails leaves neither row nor log entry:
///
/// ```swift
/// let replica = try Replica.create(at: "/var/lib/crm/office.crm")
/// let id = try replica.write { try $0.addClient(NewClient(name: "Kim Minji", phones: ["+82 10 1234 5678"])) }
/// ```
///
/// One `Replica` per file per process; other processes (a sync daemon, a report script)
/// may open the same file at the same time.
public final class Replica: Sendable {
    /// The file's path.
    public let path: String
    /// This replica's site id, which names its changes across the organisation.
    public let siteID: SiteID
    let pool: DatabasePool
    let configuration: ReplicaConfiguration

    private init(path: String, pool: DatabasePool, configuration: ReplicaConfiguration) throws {
        self.path = path
        self.pool = pool
        self.configuration = configuration
        let site = try pool.read { db in try String.fetchOne(db, sql: "SELECT site_id FROM replica_meta WHERE id = 1") }
        guard let site, let siteID = SiteID(site) else {
            throw ReplicaError(.notAReplica, "replica \(path): has no site id (not a replica file)")
        }
        self.siteID = siteID
    }

    /// Creates a new, empty replica file with a fresh site id.
    /// - Throws: ``ReplicaError`` `alreadyExists` when a file is already at `path`.
    public static func create(at path: String, configuration: ReplicaConfiguration = .init(), serverURL: String? = nil, userID: UserID? = nil) throws -> Replica {
        guard !FileManager.default.fileExists(atPath: path) else {
            throw ReplicaError(.alreadyExists, "replica \(path): a file already exists there")
        }
        let pool = try makePool(path: path, configuration: configuration)
        try ReplicaSchema.migrator.migrate(pool)
        let siteID: SiteID = configuration.ids.next()
        try pool.write { db in
            try db.execute(
                sql: "INSERT INTO replica_meta (id, site_id, user_id, server_url, created_at) VALUES (1, ?, ?, ?, ?)",
                arguments: [siteID.description, userID?.description, serverURL,
                            Timestamp(unixMillis: configuration.clock.nowMillis()).description])
        }
        configuration.logger.info("created replica", metadata: ["replica.path": "\(path)", "sync.site": "\(siteID)"])
        return try Replica(path: path, pool: pool, configuration: configuration)
    }

    /// Opens an existing replica file, migrating it to the current schema.
    /// - Throws: ``ReplicaError`` `notAReplica` when the file is missing or is no replica.
    public static func open(at path: String, configuration: ReplicaConfiguration = .init()) throws -> Replica {
        guard FileManager.default.fileExists(atPath: path) else {
            throw ReplicaError(.notAReplica, "replica \(path): no such file (create it with `crm init`)")
        }
        let pool: DatabasePool
        do {
            pool = try makePool(path: path, configuration: configuration)
            guard try pool.read({ try $0.tableExists("replica_meta") }) else {
                throw ReplicaError(.notAReplica, "replica \(path): not a replica file (no replica_meta table)")
            }
            try ReplicaSchema.migrator.migrate(pool)
        } catch let error as DatabaseError where error.resultCode == .SQLITE_NOTADB {
            throw ReplicaError(.notAReplica, "replica \(path): not an SQLite file")
        }
        return try Replica(path: path, pool: pool, configuration: configuration)
    }

    private static func makePool(path: String, configuration: ReplicaConfiguration) throws -> DatabasePool {
        var config = Configuration()
        config.foreignKeysEnabled = true
        config.busyMode = .timeout(configuration.busyTimeoutSeconds)
        config.prepareDatabase { db in
            try db.execute(sql: "PRAGMA synchronous = NORMAL")
            // Deleted rows are overwritten with zeros, so purged data leaves the file.
            try db.execute(sql: "PRAGMA secure_delete = ON")
            addFunctions(to: db)
        }
        // Client cards are personal data: the file (and so its -wal and -shm) is the
        // owner's alone.
        try PrivateFile.ensure(path)
        return try DatabasePool(path: path, configuration: config)
    }

    /// Registers the SQL functions the replica's queries use (`crm_fold`, case folding
    /// for every script) on a connection opened by other means (a benchmark's scan).
    public static func addFunctions(to db: Database) {
        FoldFunction.register(on: db)
    }

    /// Runs `body` in one write transaction. The rows it changes and the changes it logs
    /// commit together, or, if `body` throws, not at all.
    public func write<T>(_ body: (inout ReplicaWriter) throws -> T) throws -> T {
        try writeTransaction { db in
            var writer = try ReplicaWriter(db: db, configuration: configuration)
            let result = try body(&writer)
            try writer.commitLog()
            return result
        }
    }

    /// Brings the search index in step with the cards written in the current transaction
    /// of `db`: a program writing client rows by other means (a benchmark's baseline) calls
    /// it before committing, as every write of the replica does.
    public static func updateSearchIndex(in db: Database) throws {
        try SearchIndex.flush(db)
    }

    /// Every write transaction of the replica: `body`, then, unless `indexing` is false,
    /// the search index brought in step with the cards touched (by this transaction and
    /// any earlier one that left them pending), before the commit.
    func writeTransaction<T>(indexing: Bool = true, _ body: (Database) throws -> T) throws -> T {
        try pool.write { db in
            let result = try body(db)
            if indexing { try SearchIndex.flush(db) }
            return result
        }
    }

    /// Brings the search index in step with every card left pending by pulled pages (a
    /// pull indexes once at its end, not page by page; searches meanwhile check pending
    /// cards one by one).
    public func flushSearchIndex() throws {
        // Looked at first under a read, so a pull that brought no card takes no write lock.
        guard try read({ try SearchIndex.hasPending($0) }) else { return }
        try writeTransaction { _ in }
    }

    /// Runs read-only `body` on a consistent snapshot of the file.
    func read<T>(_ body: (Database) throws -> T) throws -> T {
        try pool.read(body)
    }
}
