import CRMModel

/// Deterministic people of a mixed office: half Korean, three tenths Russian, the rest in
/// Latin letters, each with a mobile in the form staff type it and most with an e-mail.
enum OfficeNames {
    enum Script { case korean, russian, latin }

    struct Person {
        let script: Script
        let name: String
        let phone: String
        let email: String?
    }

    static let koreanFamily = Array("김이박최정강조윤장임한오서신권황안송류홍").map(String.init)
    static let koreanGiven = Array("민서지현우준수영하은도윤예진연유승재시아주원성혜태호경나소다").map(String.init)
    static let russianFamily = ["Иванов", "Смирнов", "Кузнецов", "Попов", "Васильев", "Петров", "Соколов", "Михайлов", "Новиков", "Фёдоров",
                                "Морозов", "Волков", "Алексеев", "Лебедев", "Семёнов", "Егоров", "Павлов", "Козлов", "Степанов", "Николаев"]
    static let russianMale = ["Александр", "Дмитрий", "Максим", "Сергей", "Андрей", "Алексей", "Артём", "Илья", "Кирилл", "Михаил"]
    static let russianFemale = ["Анна", "Мария", "Елена", "Ольга", "Наталья", "Татьяна", "Ирина", "Светлана", "Юлия", "Дарья"]
    static let latinGiven = ["James", "Mary", "John", "Patricia", "Robert", "Jennifer", "Michael", "Linda", "David", "Elizabeth",
                             "Daniel", "Sarah", "Thomas", "Karen", "Anna", "Lucas", "Emma", "Noah", "Olivia", "Mateo"]
    static let latinFamily = ["Smith", "Johnson", "Williams", "Brown", "Jones", "Garcia", "Miller", "Davis", "Martinez", "Lopez",
                              "Wilson", "Anderson", "Taylor", "Thomas", "Moore", "Martin", "Jackson", "Lee", "Walker", "Young"]
    static let domains = ["gmail.com", "naver.com", "mail.ru", "yandex.ru", "daum.net", "outlook.com"]

    /// The person of card `index`.
    static func person(_ index: Int, _ random: inout SplitMix64) -> Person {
        func pick(_ list: [String]) -> String { list[Int(random.next() % UInt64(list.count))] }
        let roll = random.next() % 10
        let withEmail = random.next() % 10 < 7
        switch roll {
        case 0..<5:
            let name = pick(koreanFamily) + pick(koreanGiven) + pick(koreanGiven)
            let phone = "+82 10 \(1000 + random.next() % 9000) \(1000 + random.next() % 9000)"
            return Person(script: .korean, name: name, phone: phone, email: withEmail ? "user\(index)@\(pick(domains))" : nil)
        case 5..<8:
            let female = random.next() % 2 == 0
            let family = pick(russianFamily) + (female ? "а" : "")
            let name = "\(family) \(pick(female ? russianFemale : russianMale))"
            let phone = "+7 9\(10 + random.next() % 90) \(100 + random.next() % 900)-\(10 + random.next() % 90)-\(10 + random.next() % 90)"
            return Person(script: .russian, name: name, phone: phone, email: withEmail ? "client\(index)@\(pick(domains))" : nil)
        default:
            let given = pick(latinGiven), family = pick(latinFamily)
            let phone = "+82 10 \(1000 + random.next() % 9000) \(1000 + random.next() % 9000)"
            return Person(script: .latin, name: "\(given) \(family)", phone: phone,
                          email: withEmail ? "\(given.lowercased()).\(family.lowercased())\(index)@\(pick(domains))" : nil)
        }
    }
}
