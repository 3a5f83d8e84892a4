/// The words text2video understands, and what they do.
///
/// Attribute amounts are absolute per keyframe (they carry over to later clauses until changed):
/// 1 is a clear change along the attribute's latent direction, modifiers scale it ("slightly" 0.5, "very" 1.6).
enum Vocabulary {
    enum Effect {
        case attribute(FaceAttribute, Float)
        case neutral                 // smile and mouth back to 0
        case facing                  // yaw and pitch back to 0
        case direction(Int, Int)     // (dx, dy) for "left"/"right"/"up"/"down" after a verb
        case zoom(Double), pan(Double, Double), rotate(Double)
        case modifier(Float)
        case easing(Easing)
        case hold
        case still                   // no idle motion at this keyframe
        case newSubject
        case filler                  // understood but carries no effect ("turns", "looks", "mouth")
    }

    /// (word, effect, is a verb: verbs end the subject phrase of the first clause).
    static let table: [String: (Effect, Bool)] = {
        var t: [String: (Effect, Bool)] = [:]
        func add(_ words: [String], _ e: Effect, verb: Bool) { for w in words { t[w] = (e, verb) } }
        add(["smile", "smiles", "smiled", "grin", "grins", "grinned", "laugh", "laughs", "beams", "beam"], .attribute(.smile, 1), verb: true)
        add(["smiling", "grinning", "laughing", "happy", "cheerful", "joyful"], .attribute(.smile, 1), verb: false)
        add(["frown", "frowns", "frowned", "sulks", "pouts"], .attribute(.smile, -1), verb: true)
        add(["frowning", "sad", "unhappy", "grumpy", "sulking"], .attribute(.smile, -1), verb: false)
        add(["neutral", "calm", "serious", "expressionless", "relaxed"], .neutral, verb: false)
        add(["open", "opens", "opened", "gasp", "gasps", "gasped", "shout", "shouts", "yells", "yell", "speaks", "talks", "sings", "yawns"],
            .attribute(.mouthOpen, 1), verb: true)
        add(["surprised", "shocked", "astonished", "amazed", "gasping", "shouting", "singing", "talking", "yawning"],
            .attribute(.mouthOpen, 1), verb: false)
        add(["close", "closes", "closed", "shuts", "shut"], .attribute(.mouthOpen, 0), verb: true)
        add(["turn", "turns", "turned", "turning", "look", "looks", "looked", "looking", "glance", "glances", "glancing",
             "tilts", "nods", "raises", "lowers", "head", "gaze", "eyes", "mouth", "lips",
             "becomes", "gets", "grows", "goes"], .filler, verb: true)
        add(["face", "faces", "facing", "lighting", "light", "lights", "expression"], .filler, verb: false)
        add(["left", "leftward", "leftwards"], .direction(-1, 0), verb: false)
        add(["right", "rightward", "rightwards"], .direction(1, 0), verb: false)
        add(["up", "upward", "upwards", "skyward"], .direction(0, 1), verb: false)
        add(["down", "downward", "downwards"], .direction(0, -1), verb: false)
        add(["forward", "front", "straight", "ahead", "camera", "viewer", "centre", "center"], .facing, verb: false)
        add(["brighter", "brightens", "bright", "sunlit", "sunny", "lit", "brightly"], .attribute(.brightness, 1), verb: false)
        add(["darker", "darkens", "dark", "dim", "dimmer", "shadow", "shadows", "shadowy", "night", "gloomy"], .attribute(.brightness, -1), verb: false)
        add(["zoom", "zooms", "zooming", "push", "pushes", "closer", "close-up", "closeup"], .zoom(1.35), verb: true)
        add(["pan", "pans", "panning"], .pan(0, 0), verb: true)
        add(["rotate", "rotates", "rotating", "roll", "rolls", "spin", "spins"], .rotate(6), verb: true)
        add(["slightly", "little", "bit", "subtly", "somewhat", "faintly", "softly"], .modifier(0.5), verb: false)
        add(["very", "wide", "widely", "big", "broadly", "broad", "fully", "completely", "far", "really", "strongly"], .modifier(1.6), verb: false)
        add(["gently", "smoothly", "gradually", "slowly"], .easing(.easeInOut), verb: false)
        add(["suddenly", "quickly", "abruptly", "steadily"], .easing(.linear), verb: false)
        add(["naturally", "smoothstep"], .easing(.smoothstep), verb: false)
        add(["hold", "holds", "holding", "pause", "pauses", "pausing", "stays", "remains", "lingers"], .hold, verb: true)
        add(["still", "motionless", "frozen", "freeze", "freezes", "static", "unmoving"], .still, verb: false)
        add(["morphs", "morph", "transforms", "changes", "into"], .newSubject, verb: true)
        return t
    }()

    /// Words carrying no meaning of their own; never reported.
    static let stopWords: Set<String> = [
        "a", "an", "the", "she", "he", "they", "it", "her", "his", "their", "its", "them", "him", "and", "to", "of",
        "with", "at", "in", "on", "is", "are", "then", "now", "while", "as", "towards", "toward", "by", "for", "from",
        "this", "that", "who", "which", "someone's", "one", "again", "back", "over", "s", "i", "we", "you",
    ]

    /// Applies one clause's words. In the first clause (or after "morphs into"), unknown words before the
    /// first verb form the subject; all other unknown words are reported.
    static func apply(_ words: [String], firstClause: Bool, into fx: inout ClauseEffects) {
        // A later clause that opens with an article ("then a man") introduces a new subject.
        var inSubject = firstClause || ["a", "an", "another"].contains(words.first ?? "")
        var modifier: Float = 1
        var lastVerb: String?
        var lastAttributes: [String] = []
        var i = 0
        while i < words.count {
            let w = words[i]
            i += 1
            if stopWords.contains(w) { continue }
            guard let (effect, verb) = table[w] else {
                if inSubject { fx.subject.append(w) } else { fx.ignored.append(w) }
                continue
            }
            if verb, case .newSubject = effect {
                inSubject = true
                fx.subject = []
                continue
            }
            if verb { inSubject = false; lastVerb = w }
            switch effect {
            case let .attribute(a, v):
                fx.attributes[a.rawValue] = v == 0 ? 0 : v * modifier
                lastAttributes = v == 0 ? [] : [a.rawValue]
                modifier = 1
            case .neutral:
                fx.attributes[FaceAttribute.smile.rawValue] = 0
                fx.attributes[FaceAttribute.mouthOpen.rawValue] = 0
            case .facing:
                fx.attributes[FaceAttribute.yaw.rawValue] = 0
                fx.attributes[FaceAttribute.pitch.rawValue] = 0
            case let .direction(dx, dy):
                let m = Double(modifier)
                switch lastVerb {
                case "pan", "pans", "panning":
                    fx.panX += 0.12 * Double(dx) * m; fx.panY -= 0.1 * Double(dy) * m
                case "rotate", "rotates", "rotating", "roll", "rolls", "spin", "spins":
                    fx.rotation += (dx < 0 ? 6 : -6) * m
                case "zoom", "zooms", "zooming", "push", "pushes":
                    break
                default:
                    if dx != 0 { fx.attributes[FaceAttribute.yaw.rawValue] = Float(dx) * modifier; lastAttributes = [FaceAttribute.yaw.rawValue] }
                    if dy != 0 { fx.attributes[FaceAttribute.pitch.rawValue] = Float(dy) * modifier; lastAttributes = [FaceAttribute.pitch.rawValue] }
                }
                modifier = 1
            case let .zoom(f):
                if i < words.count, words[i] == "out" { fx.zoom /= f; i += 1 } else {
                    if i < words.count, words[i] == "in" { i += 1 }
                    fx.zoom *= f
                }
            case .pan: break
            case let .rotate(deg):
                // A bare "rotates" turns counter-clockwise; "rotates right/left" adjusts via .direction.
                if i < words.count, let (next, _) = table[words[i]], case .direction = next { break }
                fx.rotation += deg
            case let .modifier(m): modifier = m
            case let .easing(e): fx.easing = e
            case .hold: fx.hold = true
            case .still: fx.still = true
            case .newSubject, .filler: break
            }
        }
        // A trailing modifier ("smiles broadly") scales the attribute set just before it.
        if modifier != 1 { for a in lastAttributes { fx.attributes[a]? *= modifier } }
    }
}
