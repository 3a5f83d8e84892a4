/// Words that describe a face or a person: what a face-only generator (dcgan-faces-64) can draw.
///
/// The subject phrase still seeds the generator unchanged (the same words give the same seed as before);
/// this vocabulary only decides which of its words a face model must report as ignored, so
/// "a dragon flying over a castle" warns about "dragon", "flying" and "castle" instead of silently
/// drawing a face.
public enum SubjectVocabulary {
    /// Face and person words, synonyms and common describers of a face (age, hair, build, role).
    static let faceWords: Set<String> = {
        let groups: [[String]] = [
            // people
            ["person", "people", "persons", "human", "humans", "someone", "somebody", "individual", "character",
             "woman", "women", "lady", "ladies", "female", "girl", "girls", "gal", "man", "men", "male", "gentleman",
             "gentlemen", "guy", "guys", "boy", "boys", "lad", "child", "children", "kid", "kids", "teen", "teenager",
             "adult", "baby", "toddler", "youth", "grandmother", "grandfather", "grandma", "grandpa", "granny",
             "mother", "father", "mom", "mum", "dad", "sister", "brother", "wife", "husband", "daughter", "son",
             "friend", "stranger", "model", "actor", "actress", "student", "worker"],
            // roles and occupations (still a person's face)
            ["sailor", "soldier", "doctor", "nurse", "teacher", "farmer", "fisherman", "pilot", "chef", "king", "queen",
             "prince", "princess", "knight", "monk", "priest", "nun", "artist", "painter", "musician", "singer",
             "dancer", "scientist", "professor", "businessman", "businesswoman", "cowboy", "pirate", "athlete",
             "policeman", "policewoman", "officer", "detective", "writer", "poet", "traveller", "traveler", "hiker",
             "runner", "villager", "warrior", "wizard", "witch", "viking", "captain", "grandparent"],
            // the picture itself
            ["face", "faces", "portrait", "portraits", "headshot", "selfie", "head", "close-up", "closeup", "photo",
             "picture", "mugshot", "profile", "visage", "likeness"],
            // age and look
            ["old", "older", "elderly", "aged", "ageing", "aging", "young", "younger", "youthful", "middle-aged",
             "senior", "wrinkled", "freckled", "freckles", "bearded", "beard", "moustache", "mustache", "stubble",
             "bald", "blond", "blonde", "brunette", "redhead", "red-haired", "dark-haired", "grey-haired",
             "gray-haired", "white-haired", "curly", "curly-haired", "long-haired", "short-haired", "hair", "haired",
             "pale", "tanned", "handsome", "beautiful", "pretty", "plain", "thin", "slim", "chubby", "round",
             "tired", "sleepy", "thoughtful", "pensive", "friendly", "kind", "stern", "shy", "proud", "wise",
             "glasses", "freckle", "eyed", "blue-eyed", "brown-eyed", "green-eyed"],
        ]
        return Set(groups.joined())
    }()

    /// The words of `phrases` (subject phrases) that are not face or person words, in order, without repeats.
    public static func nonFaceWords(in phrases: [String]) -> [String] {
        var out: [String] = []
        for phrase in phrases {
            for w in PromptParser.tokenize(phrase) where !Vocabulary.stopWords.contains(w) && !faceWords.contains(w) {
                // Plurals and possessives of face words count as face words ("sailors", "women's").
                if w.hasSuffix("s"), faceWords.contains(String(w.dropLast())) { continue }
                if !out.contains(w) { out.append(w) }
            }
        }
        return out
    }

    /// Generators that draw only faces (their subject words outside the vocabulary are reported).
    public static let faceOnlyModels: Set<String> = ["dcgan-faces-64"]

    /// The subject words `model` cannot draw: `nonFaceWords(in:)` for a face-only model, none otherwise.
    public static func offSubjectWords(model: String, subjects: [String]) -> [String] {
        faceOnlyModels.contains(model) ? nonFaceWords(in: subjects) : []
    }

    /// The warning a face-only model gives for `words` (nil when there are none).
    public static func warning(model: String, ignoring words: [String]) -> String? {
        guard !words.isEmpty else { return nil }
        return "the \(model) model draws faces; ignored: \(words.joined(separator: ", ")); " +
            "for other subjects use --model sd --weights …"
    }
}
