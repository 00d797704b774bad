import CRMModel
import CRMTestSupport
import Foundation
import Testing

@Suite("Memo text limit")
struct MemoTextTests {
    @Test func memoOfExactlyTheLimitIsAccepted() throws {
        let text = String(repeating: "a", count: Memo.textLimit)
        #expect(try Memo.validText(text) == text)
    }

    @Test func memoOverTheLimitIsRefusedNamingFieldAndLimit() {
        let error = #expect(throws: ModelError.self) { try Memo.validText(String(repeating: "a", count: 1_001)) }
        #expect(error?.code == .tooLong)
        #expect(error?.field == "memo.text")
        #expect(error?.description == "memo.text: 1001 characters, the limit is 1000")
    }

    @Test func memoLimitCountsCharactersNotBytes() throws {
        // 1,000 Hangul syllables are 3,000 UTF-8 bytes and still one memo.
        let korean = String(repeating: "상", count: 1_000)
        #expect(try Memo.validText(korean).count == 1_000)
        #expect(throws: ModelError.self) { try Memo.validText(korean + "담") }
    }

    @Test func oneCharacterCarryingMegabytesOfCombiningMarksIsRefusedByItsBytes() {
        let heavy = "a" + String(repeating: "\u{0301}", count: 2_000_000)
        #expect(heavy.count == 1)
        let error = #expect(throws: ModelError.self) { try Memo.validText(heavy) }
        #expect(error?.code == .tooLong)
        #expect(error?.description == "memo.text: \(heavy.utf8.count) bytes, the limit is 4000 bytes (1000 characters)")
        // A full memo in any script fits: four bytes a character is the most UTF-8 needs.
        #expect(throws: Never.self) { try Memo.validText(String(repeating: "😀", count: 1_000)) }
    }

    @Test func controlCharactersAreRefusedWhereTheyCouldHideTextOrForgeLines() throws {
        for text in ["before\u{0}after", "Kim\u{1B}[31m", "a\u{7F}b", "a\u{85}b", "tail\r"] {
            let error = #expect(throws: ModelError.self) { try Memo.validText(text) }
            #expect(error?.code == .controlCharacter, "\(text.debugDescription)")
        }
        #expect(try Memo.validText("line one\n\tline two") == "line one\n\tline two")
        let name = #expect(throws: ModelError.self) { try Client.validName("Kim\nForged line") }
        #expect(name?.description == "client.name: contains the control character U+000A at position 4")
    }

    @Test func blankMemoIsRefused() {
        let error = #expect(throws: ModelError.self) { try Memo.validText("  \n ") }
        #expect(error?.code == .required)
    }
}

@Suite("Phone numbers are normalised to international digits")
struct PhoneNumberTests {
    @Test(arguments: [
        ("+82 10-1234-5678", "+821012345678"),
        ("+7 (912) 345-67-89", "+79123456789"),
        ("0082 10 1234 5678", "+821012345678"),
        ("+44.20.7946.0958", "+442079460958"),
    ])
    func internationalFormsNormalise(input: String, expected: String) throws {
        #expect(try PhoneNumber(parsing: input).e164 == expected)
    }

    @Test func nationalNumberTakesTheRegionsCallingCode() throws {
        #expect(try PhoneNumber(parsing: "010-1234-5678", region: .korea).e164 == "+821012345678")
        #expect(try PhoneNumber(parsing: "8 912 345-67-89", region: .russia).e164 == "+79123456789")
    }

    @Test func nationalNumberWithoutRegionIsRefused() {
        let error = #expect(throws: ModelError.self) { try PhoneNumber(parsing: "010-1234-5678", field: "phones[0]") }
        #expect(error?.field == "phones[0]")
        #expect(error?.description.contains("country code") == true)
    }

    @Test(arguments: ["abc", "+82 10 12ab", "+1234", "+1234567890123456", "+0 123 456 789", "++82 10 1234 5678"])
    func malformedNumbersAreRefused(input: String) {
        let error = #expect(throws: ModelError.self) { try PhoneNumber(parsing: input) }
        #expect(error?.code == .invalidPhone)
    }

    @Test func errorsDoNotRepeatTheNumber() {
        let error = #expect(throws: ModelError.self) { try PhoneNumber(parsing: "+7 999 SECRET") }
        #expect(error?.description.contains("SECRET") == false)
    }
}

@Suite("Contact lists keep exactly one primary entry")
struct ContactListTests {
    @Test func firstEntryIsPrimary() throws {
        let phones = try ContactList(phones: ["+82 10 1111 2222", "+7 912 345 67 89"])
        #expect(phones.primary?.e164 == "+821011112222")
        #expect(phones.entries.count == 2)
    }

    @Test func makingAnotherEntryPrimaryMovesItFirst() throws {
        var phones = try ContactList(phones: ["+82 10 1111 2222", "+7 912 345 67 89"])
        phones.makePrimary(try PhoneNumber(parsing: "+79123456789"))
        #expect(phones.primary?.e164 == "+79123456789")
        #expect(phones.entries.count == 2)
    }

    @Test func repeatedEntryIsRefusedNamingItsPosition() {
        let error = #expect(throws: ModelError.self) { try ContactList(phones: ["+82 10 1111 2222", "+82-10-1111-2222"]) }
        #expect(error?.field == "phones[1]")
    }

    @Test func emailDomainIsLowercasedAndShapeChecked() throws {
        #expect(try EmailAddress(parsing: "Kim.Minji@Example.COM").value == "Kim.Minji@example.com")
        for bad in ["kim", "kim@", "@example.com", "kim@example", "kim @example.com", "a@b@c.com"] {
            #expect(throws: ModelError.self) { try EmailAddress(parsing: bad) }
        }
    }
}

@Suite("Dates and times")
struct DateTests {
    @Test func isoAndImportDateFormsParse() throws {
        #expect(try CalendarDate(parsing: "1987-03-15").description == "1987-03-15")
        #expect(try CalendarDate(parsing: "15.03.1987").description == "1987-03-15")
    }

    @Test func leapDayExistsOnlyInLeapYears() throws {
        #expect(try CalendarDate(parsing: "2024-02-29").day == 29)
        #expect(throws: ModelError.self) { try CalendarDate(parsing: "2023-02-29") }
        #expect(throws: ModelError.self) { try CalendarDate(parsing: "1900-02-29") }
    }

    @Test(arguments: ["2026-13-01", "2026-02-30", "26-01-01", "2026/01/01", "01.13.2026", "yesterday", "", "1800-01-01"])
    func malformedDatesAreRefusedNamingTheField(input: String) {
        let error = #expect(throws: ModelError.self) { try CalendarDate(parsing: input, field: "client.birthDate") }
        #expect(error?.code == .invalidDate)
        #expect(error?.field == "client.birthDate")
    }

    @Test func timestampsWithZonesParseToTheSameInstant() throws {
        let utc = try Timestamp(parsing: "2026-11-23T10:00:00Z")
        let seoul = try Timestamp(parsing: "2026-11-23T19:00+09:00")
        let moscow = try Timestamp(parsing: "2026-11-23T13:00:00.000+03:00")
        #expect(utc == seoul)
        #expect(utc == moscow)
        #expect(utc.description == "2026-11-23T10:00:00Z")
    }

    @Test func timestampTextRoundTrips() throws {
        for millis: Int64 in [0, 1, 951_782_400_123, 1_795_000_000_000, -86_400_001] {
            let stamp = Timestamp(unixMillis: millis)
            #expect(try Timestamp(parsing: stamp.description) == stamp)
        }
    }

    @Test(arguments: ["2026-11-23T10:00:00", "2026-11-23", "2026-11-23T25:00Z", "2026-11-23T10:00:00+9", "tomorrow 10am"])
    func timestampWithoutZoneOrMalformedIsRefused(input: String) {
        #expect(throws: ModelError.self) { try Timestamp(parsing: input) }
    }

    @Test func scheduleMustEndAfterItStarts() throws {
        let start = try Timestamp(parsing: "2026-11-23T10:00Z")
        let error = #expect(throws: ModelError.self) {
            try Schedule(id: ScheduleID(UUID()), clientID: ClientID(UUID()), start: start, end: start)
        }
        #expect(error?.field == "schedule.end")
    }
}

@Suite("Identifiers")
struct IdentifierTests {
    @Test func uuidv7StaysIncreasingWhenTheClockStepsBack() {
        let clock = ManualClock(1_795_000_000_000)
        let ids = UUIDv7Generator(now: { clock.nowMillis() }, seed: 7)
        var previous = ids.next().uuidString.lowercased()
        for step: Int64 in [0, 0, -5_000, 1, -1, 10_000] {
            clock.advance(by: step)
            let next = ids.next().uuidString.lowercased()
            #expect(next > previous)
            previous = next
        }
    }

    @Test func uuidv7CarriesVersionAndVariantBits() {
        let id = UUIDv7Generator(seed: 1).next()
        let bytes = withUnsafeBytes(of: id.uuid) { Array($0) }
        #expect(bytes[6] >> 4 == 7)
        #expect(bytes[8] >> 6 == 0b10)
    }

    @Test func seededGeneratorsRepeatTheirIds() {
        let a = UUIDv7Generator(now: { 42 }, seed: 9)
        let b = UUIDv7Generator(now: { 42 }, seed: 9)
        #expect((0..<5).map { _ in a.next() } == (0..<5).map { _ in b.next() })
    }

    @Test func typedIDsPrintLowercaseCanonicalText() throws {
        let id = try ClientID(parsing: "0192F0C1-7B2A-7C3D-8E4F-0123456789AB", field: "client id")
        #expect(id.description == "0192f0c1-7b2a-7c3d-8e4f-0123456789ab")
        #expect(throws: ModelError.self) { try ClientID(parsing: "42", field: "client id") }
    }
}
