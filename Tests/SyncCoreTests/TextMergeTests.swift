import CRMModel
import CRMTestSupport
import SyncCore
import Testing

@Suite("Memo text three-way merge")
struct TextMergeTests {
    @Test func editsInDifferentPlacesBothSurvive() {
        let result = TextMerge.merge(base: "Call Monday about the package",
                                     first: "Call Tuesday about the package",
                                     second: "Call Monday about the new package")
        #expect(result == .init(text: "Call Tuesday about the new package", conflicted: false))
    }

    @Test func sameEditOnBothSidesIsNoConflict() {
        let result = TextMerge.merge(base: "room 2", first: "room 3", second: "room 3")
        #expect(result == .init(text: "room 3", conflicted: false))
    }

    @Test func overlappingEditsKeepBothVersionsInTheGivenOrder() {
        let result = TextMerge.merge(base: "Prefers mornings.", first: "Prefers evenings.", second: "Prefers weekends.")
        #expect(result.conflicted)
        #expect(result.text == "Prefers evenings / weekends.")
        let swapped = TextMerge.merge(base: "Prefers mornings.", first: "Prefers weekends.", second: "Prefers evenings.")
        #expect(swapped.text == "Prefers weekends / evenings.")
    }

    @Test func bothSidesAppendingAtTheEndKeepsBoth() {
        let result = TextMerge.merge(base: "Session 1 done.", first: "Session 1 done. Mother called.", second: "Session 1 done. Invoice sent.")
        #expect(result.conflicted)
        #expect(result.text.contains("Mother called."))
        #expect(result.text.contains("Invoice sent."))
    }

    @Test func deletionOnOneSideAndEditElsewhereBothApply() {
        let result = TextMerge.merge(base: "Kim, 7 years, likes drawing, shy.", first: "Kim, 7 years, shy.", second: "Kim, 8 years, likes drawing, shy.")
        #expect(result == .init(text: "Kim, 8 years, shy.", conflicted: false))
    }

    @Test func koreanAndRussianTextMergeByWords() {
        let korean = TextMerge.merge(base: "월요일 상담 예정", first: "화요일 상담 예정", second: "월요일 상담 완료")
        #expect(korean == .init(text: "화요일 상담 완료", conflicted: false))
        let russian = TextMerge.merge(base: "Звонок в понедельник", first: "Звонок во вторник", second: "Встреча в понедельник")
        #expect(russian == .init(text: "Встреча во вторник", conflicted: false))
    }

    @Test func mergeLongerThanTheMemoLimitIsKeptWhole() {
        let base = String(repeating: "word ", count: 190)
        let first = "A" + String(repeating: "x", count: 60) + " " + base
        let second = base + String(repeating: "y", count: 60)
        let result = TextMerge.merge(base: base, first: first, second: second)
        #expect(result.text.count == first.count + 60)
        #expect(result.text.count > 1_000)
    }

    @Test func mergeWithAnUnchangedSideGivesTheOtherSideExactly() {
        let seed = TestSeed.current()
        var random = SplitMix64(seed: seed)
        let words = ["Kim", "상담", "звонок", " ", "  ", ",", ".", "\n", "room", "2"]
        func text() -> String { (0..<(random.next() % 12)).map { _ in words[Int(random.next() % 10)] }.joined() }
        for _ in 0..<300 {
            let base = text(), edited = text()
            #expect(TextMerge.merge(base: base, first: edited, second: base).text == edited, "seed \(seed)")
            #expect(TextMerge.merge(base: base, first: base, second: edited).text == edited, "seed \(seed)")
            #expect(TextMerge.merge(base: base, first: edited, second: edited).text == edited, "seed \(seed)")
        }
    }

    @Test func nothingEitherSideTypedIsLost() {
        let seed = TestSeed.current()
        var random = SplitMix64(seed: seed)
        let words = ["alpha", "beta", "감사", "день", " ", ".", "7"]
        func text() -> String { (0..<(1 + random.next() % 8)).map { _ in words[Int(random.next() % 7)] }.joined(separator: " ") }
        for _ in 0..<300 {
            let base = text(), first = text() + " FIRST", second = "SECOND " + text()
            let merged = TextMerge.merge(base: base, first: first, second: second).text
            #expect(merged.contains("FIRST"), "seed \(seed): \(base) | \(first) | \(second) → \(merged)")
            #expect(merged.contains("SECOND"), "seed \(seed): \(base) | \(first) | \(second) → \(merged)")
        }
    }
}
