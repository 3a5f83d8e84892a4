import Foundation

/// GPT-2's reversible byte → printable-character table that CLIP's BPE works on.
enum ByteSymbols {
    /// `table[b]` is the symbol for byte `b`: printable Latin-1 bytes stand for themselves, the other 68 bytes
    /// take code points from U+0100 up, in byte order.
    static let table: [Unicode.Scalar] = {
        var out = [Unicode.Scalar](repeating: " ", count: 256)
        var next: UInt32 = 256
        for b in 0..<256 {
            if isPrintable(b) { out[b] = Unicode.Scalar(UInt32(b))! } else { out[b] = Unicode.Scalar(next)!; next += 1 }
        }
        return out
    }()

    static func isPrintable(_ b: Int) -> Bool { (33...126).contains(b) || (161...172).contains(b) || (174...255).contains(b) }

    /// CLIP's vocabulary lists the printable bytes first, then the remapped ones (the order of `bytes_to_unicode`).
    static func order(_ b: Int) -> Int { isPrintable(b) ? b : 256 + b }
}

extension CLIPTokenizer {
    enum Piece { case text(String), special(Int) }

    /// Splits out literal special tokens (case-sensitive) before BPE, as transformers' added-token trie does:
    /// `<|startoftext|>`, `<|endoftext|>` and a pad token such as SD2's `!`, which therefore never merges with
    /// its neighbours and keeps its bare id (0) even inside a prompt.
    static func splitSpecial(_ text: String, _ specials: [(token: String, id: Int)]) -> [Piece] {
        var pieces: [Piece] = []
        var rest = Substring(text)
        while !rest.isEmpty {
            var best: (Range<Substring.Index>, Int)?
            for (tok, id) in specials {
                guard let r = rest.range(of: tok) else { continue }
                if let b = best, b.0.lowerBound < r.lowerBound || (b.0.lowerBound == r.lowerBound && b.0.upperBound >= r.upperBound) { continue }
                best = (r, id)
            }
            guard let (r, id) = best else { pieces.append(.text(String(rest))); break }
            if r.lowerBound > rest.startIndex { pieces.append(.text(String(rest[..<r.lowerBound]))) }
            pieces.append(.special(id))
            rest = rest[r.upperBound...]
        }
        return pieces
    }

    /// transformers' `BasicTokenizer(strip_accents=False, do_split_on_punc=False)`: drops NUL, U+FFFD and
    /// other controls, turns whitespace into spaces, spaces out CJK ideographs, NFC-normalises, lower-cases,
    /// and joins the words with single spaces.
    static func basicClean(_ text: String) -> String {
        var cleaned = String.UnicodeScalarView()
        for u in text.unicodeScalars {
            let v = u.value
            if v == 0x09 || v == 0x0A || v == 0x0D || u.properties.generalCategory == .spaceSeparator { cleaned.append(" "); continue }
            if v == 0 || v == 0xFFFD || isControl(u) { continue }
            if isCJK(v) { cleaned.append(" "); cleaned.append(u); cleaned.append(" ") } else { cleaned.append(u) }
        }
        let nfc = String(cleaned).precomposedStringWithCanonicalMapping
        // Python's str.split(): any White_Space separates (U+2028/U+2029 survive the clean-up above).
        let words = nfc.unicodeScalars.split(whereSeparator: { $0.properties.isWhitespace }).map { pythonLower(String.UnicodeScalarView($0)) }
        return words.joined(separator: " ")
    }

    /// Categories Cc, Cf, Cs, Co, Cn count as control (tab, newline and return are whitespace instead).
    static func isControl(_ u: Unicode.Scalar) -> Bool {
        switch u.properties.generalCategory {
        case .control, .format, .surrogate, .privateUse, .unassigned: return true
        default: return false
        }
    }

    static func isCJK(_ cp: UInt32) -> Bool {
        (0x4E00...0x9FFF).contains(cp) || (0x3400...0x4DBF).contains(cp) || (0x20000...0x2A6DF).contains(cp)
            || (0x2A700...0x2B73F).contains(cp) || (0x2B740...0x2B81F).contains(cp) || (0x2B820...0x2CEAF).contains(cp)
            || (0xF900...0xFAFF).contains(cp) || (0x2F800...0x2FA1F).contains(cp)
    }

    /// Python's `str.lower()`: full lower-case mappings, with Greek capital sigma becoming final sigma at the
    /// end of a word (preceded by a cased letter, not followed by one, case-ignorable characters skipped).
    static func pythonLower(_ word: String.UnicodeScalarView) -> String {
        let scalars = Array(word)
        var out = ""
        for (i, u) in scalars.enumerated() {
            if u.value == 0x03A3 {
                var j = i - 1
                while j >= 0, scalars[j].properties.isCaseIgnorable { j -= 1 }
                let before = j >= 0 && scalars[j].properties.isCased
                var k = i + 1
                while k < scalars.count, scalars[k].properties.isCaseIgnorable { k += 1 }
                let after = k < scalars.count && scalars[k].properties.isCased
                out += before && !after ? "\u{03C2}" : "\u{03C3}"
            } else {
                out += u.properties.lowercaseMapping
            }
        }
        return out
    }

    /// CLIP's pattern `<|startoftext|>|<|endoftext|>|'s|'t|'re|'ve|'m|'ll|'d|\p{L}+|\p{N}|[^\s\p{L}\p{N}]+`,
    /// tried in that order at each position, as Python's `regex.findall` does.
    static func preTokenize(_ text: String) -> [String] {
        let s = Array(text.unicodeScalars)
        var out: [String] = []
        var i = 0
        func starts(_ lit: String, at i: Int) -> Bool {
            let l = Array(lit.unicodeScalars)
            guard i + l.count <= s.count else { return false }
            for k in 0..<l.count where s[i + k] != l[k] { return false }
            return true
        }
        func emit(_ a: Int, _ b: Int) { var v = String.UnicodeScalarView(); v.append(contentsOf: s[a..<b]); out.append(String(v)) }
        while i < s.count {
            let u = s[i]
            if let lit = [startToken, endToken].first(where: { starts($0, at: i) }) {
                let n = lit.unicodeScalars.count; emit(i, i + n); i += n; continue
            }
            if u == "'", let c = ["s", "t", "re", "ve", "m", "ll", "d"].first(where: { starts("'" + $0, at: i) || starts("'" + $0.uppercased(), at: i) }) {
                let n = c.count + 1; emit(i, i + n); i += n; continue
            }
            if isLetter(u) {
                var j = i + 1
                while j < s.count, isLetter(s[j]) { j += 1 }
                emit(i, j); i = j; continue
            }
            if isNumber(u) { emit(i, i + 1); i += 1; continue }
            if u.properties.isWhitespace { i += 1; continue }
            var j = i + 1
            while j < s.count, !isLetter(s[j]), !isNumber(s[j]), !s[j].properties.isWhitespace { j += 1 }
            emit(i, j); i = j
        }
        return out
    }

    static func isLetter(_ u: Unicode.Scalar) -> Bool {
        switch u.properties.generalCategory {
        case .uppercaseLetter, .lowercaseLetter, .titlecaseLetter, .modifierLetter, .otherLetter: return true
        default: return false
        }
    }

    static func isNumber(_ u: Unicode.Scalar) -> Bool {
        switch u.properties.generalCategory {
        case .decimalNumber, .letterNumber, .otherNumber: return true
        default: return false
        }
    }
}
