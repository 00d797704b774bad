import CRMModel
import Foundation
import LocalReplica
import Logging
import Synchronization
import SyncCore

/// `crm sync --watch`: keeps a replica in step with the server until a person must act.
///
/// Two threads, each with its own connection: one holds a long-poll pull open and applies
/// what arrives; the other watches the replica file for local writes (from this process or
/// any other) and pushes them within `pollMillis`. Transient failures retry with
/// ``Backoff``; a revoked token or a protocol refusal ends ``run()`` with the error.
public final class SyncDaemon: Sendable {
    private let replica: Replica
    private let configuration: SyncConfiguration
    private let logger: Logger
    private let pollMillis: Int
    private let longPollSeconds: Int
    private let backoff: Backoff
    private let failure = Mutex<SyncError?>(nil)
    private let stopped = DispatchSemaphore(value: 0)

    /// Creates a daemon.
    public init(replica: Replica, configuration: SyncConfiguration = .init(), pollMillis: Int = 50, longPollSeconds: Int = 25,
                backoff: Backoff = .init(), logger: Logger) {
        self.replica = replica
        self.configuration = configuration
        self.pollMillis = pollMillis
        self.longPollSeconds = longPollSeconds
        self.backoff = backoff
        self.logger = logger
    }

    /// Runs until a failure no retry can fix, and throws it.
    public func run() throws -> Never {
        // Fail early, on this thread, if the replica cannot sync at all.
        _ = try SyncClient(replica: replica, configuration: configuration, logger: logger)
        let (replica, configuration, logger) = (self.replica, self.configuration, self.logger)
        startLoop("crm-sync-push") { [pollMillis] in
            // Each thread owns its client: a curl handle stays on the thread that made it.
            let pusher = try SyncClient(replica: replica, configuration: configuration, logger: logger)
            var pushedThrough: Int64 = -1
            return {
                // A purge a reader held up is finished as soon as it lets go.
                if try self.replica.purgePending() { try self.replica.purgeWriteAheadLog(attempts: 1) }
                let written = try self.replica.lastWrittenSeq()
                if written != pushedThrough {
                    _ = try pusher.pushAll()
                    try self.replica.recordSyncSuccess(at: Timestamp(unixMillis: SystemWallClock().nowMillis()))
                    pushedThrough = written
                }
                Thread.sleep(forTimeInterval: Double(pollMillis) / 1000)
            }
        }
        startLoop("crm-sync-pull") { [longPollSeconds] in
            let puller = try SyncClient(replica: replica, configuration: configuration, logger: logger)
            return { _ = try puller.pullAll(wait: longPollSeconds) }
        }
        stopped.wait()
        throw failure.withLock { $0 } ?? SyncError.fatal("sync stopped")
    }

    /// Runs `makeStep()`'s step forever on a new thread, retrying transient failures with
    /// backoff and stopping the daemon on any other.
    private func startLoop(_ name: String, _ makeStep: @escaping @Sendable () throws -> () throws -> Void) {
        let thread = Thread { [self] in
            let step: () throws -> Void
            do {
                step = try makeStep()
            } catch {
                stop(with: error)
                return
            }
            var random = SystemRandomNumberGenerator()
            var attempt = 0
            while failure.withLock({ $0 == nil }) {
                do {
                    try step()
                    attempt = 0
                } catch let error as SyncError where error.recovery == .retry {
                    attempt += 1
                    try? replica.recordSyncError(error.description)
                    let delay = backoff.delayMillis(attempt: attempt, using: &random)
                    logger.warning("sync failed; retrying", metadata: ["sync.error": "\(error)", "sync.retry_ms": "\(delay)"])
                    Thread.sleep(forTimeInterval: Double(delay) / 1000)
                } catch {
                    stop(with: error)
                    return
                }
            }
        }
        thread.name = name
        thread.start()
    }

    private func stop(with error: any Error) {
        let fatal = error as? SyncError ?? SyncError.fatal("\(error)")
        try? replica.recordSyncError(fatal.description)
        failure.withLock { if $0 == nil { $0 = fatal } }
        stopped.signal()
    }
}
