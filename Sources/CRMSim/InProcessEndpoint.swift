import CRMModel
import Foundation
import SyncCore
import SyncEngine
import ServerStore

/// A workstation's line to the server with no socket: each request calls the server's
/// store directly, through the same checks the HTTP routes make, with the network's
/// faults in between.
final class InProcessEndpoint: SyncEndpoint {
    let storage: SQLiteSyncStorage
    let device: Device
    let index: Int
    let network: SimNetwork
    let clock: SimClock
    let maxSkewMillis: Int64

    init(storage: SQLiteSyncStorage, device: Device, index: Int, network: SimNetwork, clock: SimClock, maxSkewMillis: Int64) {
        self.storage = storage
        self.device = device
        self.index = index
        self.network = network
        self.clock = clock
        self.maxSkewMillis = maxSkewMillis
    }

    func register(site: SiteID) throws -> RegisterResponse {
        let storage = storage, device = device
        guard try blocking({ try await storage.register(site: site.description, device: device) }) == .registered else {
            throw SyncError.fatal("site \(site) belongs to another device")
        }
        return RegisterResponse(user: device.userID, role: device.role, device: device.name, site: site.description, serverTime: clock.nowMillis())
    }

    func push(site: SiteID, wireChanges: [String]) throws -> Result<PushResponse, ErrorResponse> {
        if network.chance(network.faults.lostRequest) {
            network.events.append("push from \(index) lost")
            throw SyncError.retry("request lost")
        }
        let decoder = JSONDecoder()
        let changes = try wireChanges.map { try decoder.decode(WireChange.self, from: Data($0.utf8)) }
        if let malformed = PushPlanner.checkShapes(changes) { throw SyncError.fatal("server refused the push: \(malformed.error.message)") }
        let request = PushRequest(site: site.description, changes: changes)
        let result = try deliver(request)
        if network.chance(network.faults.duplicated) {
            network.events.append("push from \(index) delivered twice")
            _ = try deliver(request)
        }
        if network.chance(network.faults.delayedCopy) { network.held.append((index, request)) }
        if network.chance(network.faults.lostReply) {
            network.events.append("reply to \(index) lost")
            throw SyncError.retry("reply lost")
        }
        return result
    }

    /// Delivers a push to the store (also used for held copies).
    func deliver(_ request: PushRequest) throws -> Result<PushResponse, ErrorResponse> {
        let storage = storage, device = device, now = clock.nowMillis(), skew = maxSkewMillis
        return try blocking { try await storage.push(request, device: device, now: now, maxSkewMillis: skew) }
    }

    func rows(_ request: RowsRequest) throws -> RowsResponse {
        if network.chance(network.faults.lostRequest) { throw SyncError.retry("request lost") }
        let response = try storage.rowsNow(request.keys, viewer: Viewer(author: device.author, site: nil, deviceID: device.id))
        if network.chance(network.faults.lostReply) { throw SyncError.retry("reply lost") }
        return response
    }

    func pull(site: SiteID, after cursor: Int64, offer: Int64, limit: Int, wait: Int) throws -> PullResponse {
        if network.chance(network.faults.lostRequest) { throw SyncError.retry("request lost") }
        let page = try storage.pullNow(after: cursor, offer: offer, limit: limit, viewer: Viewer(author: device.author, site: site.description, deviceID: device.id))
        if network.chance(network.faults.lostReply) { throw SyncError.retry("reply lost") }
        let decoder = JSONDecoder()
        let changes = try page.changes.map { try decoder.decode(WireChange.self, from: Data($0.utf8)) }
        return PullResponse(bucket: "org", changes: changes, next: page.last, more: page.more, serverTime: clock.nowMillis(),
                            revokes: page.revokes.isEmpty ? nil : page.revokes, offer: page.offer)
    }
}
