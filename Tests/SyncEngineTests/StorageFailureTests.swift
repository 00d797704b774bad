import Foundation
import GRDB
import Testing
@testable import SyncServer

/// A store that cannot write answers 503 with Retry-After and a code naming the cause, so
/// workstations retry instead of treating the change as refused.
@Suite struct StorageFailureTests {
    @Test(arguments: [(ResultCode.SQLITE_FULL, "disk_full"), (.SQLITE_IOERR_FSYNC, "storage_io_error"), (.SQLITE_IOERR_WRITE, "storage_io_error"),
                      (.SQLITE_BUSY, "storage_busy"), (.SQLITE_READONLY, "storage_unavailable")])
    func storageFailureIsARetryable503NamingTheCause(_ code: ResultCode, _ expected: String) throws {
        let reply = try #require(StorageFailure.reply(for: DatabaseError(resultCode: code, message: "test")))
        #expect(reply.status == .serviceUnavailable)
        #expect(reply.body.error.code == expected)
        #expect(reply.headers[.retryAfter] == "1")
        #expect(reply.body.error.message.contains("not stored"))
    }

    @Test func aConstraintViolationIsNotDressedUpAsAStorageFailure() {
        #expect(StorageFailure.reply(for: DatabaseError(resultCode: .SQLITE_CONSTRAINT, message: "x")) == nil)
        #expect(StorageFailure.reply(for: CancellationError()) == nil)
    }
}
