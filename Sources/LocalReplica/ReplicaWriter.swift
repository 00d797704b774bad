import CRMModel
import GRDB
import SQLiteBinding
import SyncCore

/// The handle a ``Replica/write(_:)`` transaction gets: every domain write
/// (`addClient`, `editMemo`, …) goes through it, and it records each changed field in the
/// outbox of the same transaction.
///
/// Not `Sendable`: it wraps a GRDB connection that belongs to one transaction.
public struct ReplicaWriter {
    let db: Database
    let configuration: ReplicaConfiguration
    private var clock: HybridLogicalClock
    private let firstSeq: Int64
    private var nextSeq: Int64
    private var log = ChangeBatchWriter()
    private var transactionHLC: HLCTimestamp?
    /// Each table's prepared insert, looked up once per transaction.
    private var inserts = [Statement?](repeating: nil, count: TableSpec.all.count)
    /// Whose rights writes are checked against here (``localAuthor(_:)``).
    let author: Permissions.Author?

    init(db: Database, configuration: ReplicaConfiguration) throws {
        self.db = db
        self.configuration = configuration
        guard let row = try Row.fetchOne(try db.cachedStatement(sql: "SELECT last_hlc, clock_offset_ms, next_seq FROM replica_meta WHERE id = 1")) else {
            throw ReplicaError(.notAReplica, "replica: no replica_meta row")
        }
        clock = HybridLogicalClock(last: HLCTimestamp(packed: row[0]), offsetMillis: row[1])
        firstSeq = row[2]
        nextSeq = firstSeq
        author = try Self.localAuthor(db)
    }

    /// A new id for a row of type `Entity`.
    func newID<Entity>(_: Entity.Type = Entity.self) -> EntityID<Entity> {
        configuration.ids.next()
    }

    /// The current time, from the injected wall clock.
    var now: Timestamp { Timestamp(unixMillis: configuration.clock.nowMillis()) }

    /// Starts the log entry of one row change and takes the next sequence number. The
    /// transaction's HLC is taken at its first change: a transaction happens at one instant.
    private mutating func beginLog(_ spec: TableSpec, _ id: String, _ operation: RowChange.Operation) {
        if transactionHLC == nil { transactionHLC = clock.tick(wallMillis: configuration.clock.nowMillis()) }
        log.beginChange(entity: spec.logEntity, row: id, operation: operation)
        nextSeq += 1
    }

    /// Inserts a row (values in `spec.columns` order) and logs the fields that differ from
    /// the column defaults.
    mutating func insert(_ spec: TableSpec, id: String, _ values: [FieldValue]) throws {
        precondition(values.count == spec.columns.count, "\(spec.table): \(values.count) values for \(spec.columns.count) columns")
        if author != nil {
            let fields = spec.columns.indices.filter { values[$0] != spec.defaults[$0] }.map { FieldAssignment(spec.columns[$0], values[$0]) }
            try authorise(RowChange(seq: 0, hlc: .zero, entity: spec.entity, rowID: id, operation: .set, fields: fields), existing: nil)
        }
        let statement: Statement
        if let cached = inserts[spec.index] {
            statement = cached
        } else {
            statement = try db.cachedStatement(sql: spec.insertSQL)
            inserts[spec.index] = statement
        }
        try run(spec) { try RawStatement.execute(statement, .text(id), values) }
        beginLog(spec, id, .set)
        for index in values.indices where values[index] != spec.defaults[index] {
            log.field(spec.keys[index], values[index])
        }
        log.endChange()
    }

    /// Sets fields of an existing row, logging only those whose value changes.
    /// - Returns: the fields that changed.
    @discardableResult
    mutating func update(_ spec: TableSpec, id: String, _ assignments: [FieldAssignment]) throws -> [FieldAssignment] {
        guard !assignments.isEmpty else {
            try require(spec, id)
            return []
        }
        let columns = try assignments.map { try spec.sqlColumn($0.field) }
        guard let current = try Row.fetchOne(db, sql: "SELECT \(columns.joined(separator: ", ")) FROM \(spec.sqlTable) WHERE id = ?", arguments: [id]) else {
            throw ReplicaError.notFound(spec.entity, id)
        }
        let changed = assignments.enumerated().filter { index, assignment in
            FieldValue.fromDatabaseValue(current[index]) != assignment.value
        }.map(\.element)
        guard !changed.isEmpty else { return [] }
        if author != nil {
            try authorise(RowChange(seq: 0, hlc: .zero, entity: spec.entity, rowID: id, operation: .set, fields: changed), existing: try values(spec, id))
        }
        let sql = "UPDATE \(spec.sqlTable) SET \(try changed.map { "\(try spec.sqlColumn($0.field)) = ?" }.joined(separator: ", ")) WHERE id = ?"
        try run(spec) { try RawStatement.execute(try db.cachedStatement(sql: sql), changed[0].value, changed.dropFirst().map(\.value) + [.text(id)]) }
        beginLog(spec, id, .set)
        for assignment in changed { log.field(ChangeBatchWriter.Key(assignment.field), assignment.value) }
        // Every edit carries the values it started from: the server merges memo text against
        // them, and knows whether the author had seen the value it replaces (a conflict to
        // record, or not).
        let base = assignments.indices.filter { changed.contains(assignments[$0]) }
            .map { (ChangeBatchWriter.Key(assignments[$0].field), FieldValue.fromDatabaseValue(current[$0]) ?? .null) }
        log.endChange(base: base)
        return changed
    }

    /// Deletes a row (its dependants go by the schema's cascades, as on the server) and
    /// logs the deletion.
    mutating func delete(_ spec: TableSpec, id: String) throws {
        // The row as this replica last saw it goes with the deletion: the server tells from
        // it whether someone else edited the row meanwhile (an edit to keep as a conflict).
        guard let current = try Row.fetchOne(db, sql: "SELECT \(SQLIdentifier.list(spec.columns)) FROM \(spec.sqlTable) WHERE id = ?", arguments: [id]) else {
            throw ReplicaError.notFound(spec.entity, id)
        }
        if author != nil {
            try authorise(RowChange(seq: 0, hlc: .zero, entity: spec.entity, rowID: id, operation: .delete, fields: []), existing: try values(spec, id))
        }
        try db.cachedStatement(sql: "DELETE FROM \(spec.sqlTable) WHERE id = ?").execute(arguments: [id])
        beginLog(spec, id, .delete)
        log.endChange(base: spec.columns.indices.map { (spec.keys[$0], FieldValue.fromDatabaseValue(current[$0]) ?? .null) })
    }

    /// Whether a row exists.
    func exists(_ spec: TableSpec, _ id: String) throws -> Bool {
        try Bool.fetchOne(try db.cachedStatement(sql: "SELECT EXISTS (SELECT 1 FROM \(spec.sqlTable) WHERE id = ?)"), arguments: [id]) ?? false
    }

    /// Throws ``ReplicaError/notFound(_:_:)`` unless the row exists.
    func require(_ spec: TableSpec, _ id: String) throws {
        guard try exists(spec, id) else { throw ReplicaError.notFound(spec.entity, id) }
    }

    /// Runs a statement, turning constraint failures into errors that name the table.
    private func run(_ spec: TableSpec, _ body: () throws -> Void) throws {
        do {
            try body()
        } catch let error as DatabaseError where error.extendedResultCode == .SQLITE_CONSTRAINT_FOREIGNKEY {
            throw ReplicaError(.notFound, "\(spec.table): refers to a row that is not on this replica")
        } catch let error as DatabaseError where error.resultCode == .SQLITE_CONSTRAINT {
            throw ReplicaError(.constraint, "\(spec.table): breaks a rule of the stored data (\(error.message ?? "constraint"))")
        }
    }

    /// Appends this transaction's changes to the outbox and saves the clock and sequence.
    /// Must run last in the transaction, after every row write, because it numbers them.
    mutating func commitLog() throws {
        guard log.count > 0, let hlc = transactionHLC else { return }
        try db.execute(
            sql: "INSERT INTO outbox (first_seq, last_seq, hlc, changes) VALUES (?, ?, ?, ?)",
            arguments: [firstSeq, nextSeq - 1, hlc.packed, log.finish()])
        try db.execute(
            sql: "UPDATE replica_meta SET last_hlc = ?, next_seq = ? WHERE id = 1",
            arguments: [clock.last.packed, nextSeq])
        log = ChangeBatchWriter()
    }
}
