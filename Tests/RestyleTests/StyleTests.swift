import Testing
@testable import Restyle

@Test func styleNamesParse() {
    #expect(Style(rawValue: "anime") == .anime)
    #expect(Style(rawValue: "dragon") == nil)
}
