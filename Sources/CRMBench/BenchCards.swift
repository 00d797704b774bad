import CRMModel
import SyncCore

/// Deterministic synthetic client cards: the input a user would type (for the replica)
/// and the finished row values (for the plain-SQLite baseline).
struct BenchCards {
    struct Input {
        let name: String
        let phones: [String]
        let email: String
        let birthDate: String
        let memo: String
        let start: Timestamp
        let end: Timestamp
        let room: String
    }

    struct Rows {
        let name: String
        let phonesJSON: String
        let emailsJSON: String
        let birthDate: String
        let memo: String
        let start: String
        let end: String
        let room: String
        let createdAt: String
    }

    let count: Int
    let input: [Input]
    let rows: [Rows]

    init(count: Int, seed: UInt64 = 2026) {
        var random = SplitMix64(seed: seed)
        let family = ["Kim", "Lee", "Park", "Choi", "Ivanova", "Petrov", "Smirnova", "Jung"]
        let given = ["Minji", "Seojun", "Anna", "Dmitri", "Jiwoo", "Olga", "Hana", "Ivan"]
        var input: [Input] = []
        var rows: [Rows] = []
        input.reserveCapacity(count)
        rows.reserveCapacity(count)
        let base: Int64 = 1_795_000_000_000
        for index in 0..<count {
            let name = "\(family[Int(random.next() % 8)]) \(given[Int(random.next() % 8)]) \(index)"
            let mobile = "+82 10 \(1000 + random.next() % 9000) \(1000 + random.next() % 9000)"
            let home = "+7 912 \(100 + random.next() % 900) \(10 + random.next() % 90) \(10 + random.next() % 90)"
            let email = "client\(index)@example.com"
            let birth = "\(1950 + random.next() % 60)-0\(1 + random.next() % 9)-1\(random.next() % 9)"
            let memo = "Call summary \(index): discussed the next sessions and the prepaid package; parent asked for weekday mornings."
            let start = Timestamp(unixMillis: base + Int64(index) * 3_600_000)
            let end = Timestamp(unixMillis: start.unixMillis + 3_000_000)
            let room = "Room \(1 + random.next() % 12)"
            input.append(Input(name: name, phones: [mobile, home], email: email, birthDate: birth, memo: memo, start: start, end: end, room: room))
            let phones = [mobile, home].map { $0.filter { $0 != " " } }
            rows.append(Rows(name: name, phonesJSON: JSONText.array(phones), emailsJSON: JSONText.array([email]), birthDate: birth, memo: memo,
                             start: start.description, end: end.description, room: room, createdAt: Timestamp(unixMillis: base).description))
        }
        self.count = count
        self.input = input
        self.rows = rows
    }
}
