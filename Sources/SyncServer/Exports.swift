/// The store is part of the server's public face: `crm-server` and the tests open it
/// through `SyncServer`.
@_exported import ServerStore
