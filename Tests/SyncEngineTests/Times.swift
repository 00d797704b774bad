import CRMModel

let start = try! Timestamp(parsing: "2026-11-23T10:00Z")
let end = try! Timestamp(parsing: "2026-11-23T11:00Z")