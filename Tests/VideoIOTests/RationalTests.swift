import Testing
@testable import VideoIO

@Test func rationalValue() {
    #expect(Rational(30000, 1001).value > 29.97 && Rational(30000, 1001).value < 29.98)
    #expect(Rational(1, 0).value == 0)
}
