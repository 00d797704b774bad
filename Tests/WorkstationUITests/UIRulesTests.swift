import Testing
@testable import WorkstationUI

/// The pure rules of the front end: languages, words, who may ask what.
@Suite("Front end rules: languages, catalogues, access")
struct UIRulesTests {
    @Test func theLanguageIsTheQueryElseTheBrowsersBestElseEnglish() {
        #expect(Language.negotiate(query: "ru", acceptLanguage: "ko-KR,ko;q=0.9") == .ru)
        #expect(Language.negotiate(query: nil, acceptLanguage: "de-DE,ko;q=0.8,ru;q=0.9") == .ru)
        #expect(Language.negotiate(query: nil, acceptLanguage: "ko-KR,ko;q=0.9,en-US;q=0.8") == .ko)
        #expect(Language.negotiate(query: "xx", acceptLanguage: "de") == .en)
        #expect(Language.negotiate(query: nil, acceptLanguage: nil) == .en)
    }

    @Test(arguments: Language.allCases)
    func everyCatalogueHasEveryWord(_ language: Language) {
        let english = Set(Messages.catalogues[.en]!.keys)
        let words = Set(Messages.catalogues[language]!.keys)
        #expect(english.subtracting(words).isEmpty, "\(language) lacks \(english.subtracting(words).sorted())")
        #expect(words.subtracting(english).isEmpty, "\(language) has words English lacks: \(words.subtracting(english).sorted())")
    }

    @Test func placeholdersAreFilledInOrder() {
        #expect(Messages(.en).text("memo.counter", "12", "1000") == "12 / 1000 characters")
        #expect(Messages(.ko).text("conflicts.about", "메모", "김민지") == "김민지의 메모")
    }

    @Test func onlyTheBoundAddressAndLocalhostWithItsPortAreThisServer() {
        let access = UIAccess()
        access.bound(host: "127.0.0.1", port: 8090)
        #expect(access.allows(host: "127.0.0.1:8090"))
        #expect(access.allows(host: "localhost:8090"))
        #expect(!access.allows(host: "evil.example:8090"))
        #expect(!access.allows(host: "127.0.0.1:8091"))
        #expect(!access.allows(host: nil))
    }

    @Test func secretsAreLongRandomAndComparedWhole() {
        let first = UIAccess(), second = UIAccess()
        #expect(first.key.count == 64 && first.key != second.key && first.session != first.key && first.csrfToken != first.session)
        #expect(first.isKey(first.key) && !first.isKey(String(first.key.dropLast())) && !first.isKey(second.key) && !first.isKey(nil))
        #expect(first.isCSRFToken(first.csrfToken) && !first.isCSRFToken(""))
    }
}
