//! Wording checks over free text a partner writes: the *accountability check* for what the
//! partner who broke trust writes, apologies first (language that excuses, minimizes, shifts
//! blame, presses for forgiveness or dismisses feelings) and the *gentleness check* for
//! letters (criticism, contempt, defensiveness).
//!
//! Both are deterministic and explainable: every flag names the table row that raised it,
//! quotes the words as written, says calmly why they may land badly and suggests another
//! way to say it. The checks only advise; nothing here refuses text. This module owns the
//! rule table and the matcher; it must not do I/O, keep state between calls or decide what
//! the web layer does with a flag.
//!
//! # How text is read
//! The text is split into sentences at `.` `!` `?` and blank lines; an ellipsis, `;`, `:`,
//! dashes, brackets and a single line break are pauses inside a sentence, like commas. Each
//! sentence becomes lowercase word tokens: apostrophes `'` `’` `‘` `ʼ` are one character,
//! whitespace runs do not matter, and common contractions are spelled out (`I'm` → `i am`,
//! `isn't` → `is not`, `can't` → `can not`), so a pattern lists one spelling. `'d` is left
//! alone because it is ambiguous (`if you'd like` against `if you'd listened`). Emoji become
//! tokens of their own, and so does a trailing `/s`. Matching never crosses a sentence
//! boundary.
//!
//! # The pattern language
//! A pattern is a sequence of slots separated by spaces; each slot matches one token:
//! - `word` that word; `a|b|c` any of them; `@list` any word of a named list below;
//! - `*` any word; `!a|@list` any word *not* among them;
//! - `[slot]` an optional slot; `,` a pause (comma, `;`, ellipsis, dash …);
//! - `^` / `$` the start / end of the sentence; `...` up to [`MAX_GAP`] tokens of anything.
//!
//! A pattern can carry exceptions, written in the same language: `unless_before` (a
//! sequence that ends right where the match starts, so `pretend ...` means "pretend"
//! anywhere earlier in the sentence), `unless_after` (a sequence that starts right where
//! the match ends) and `unless_inside` (a sequence anywhere within the match).
//!
//! Each alternative is one word: `was|had been` is the slot `was|had` followed by `been`, so
//! write `was|had [been]` or two patterns. Calling `unless_before` twice keeps only the
//! second list; the table combines lists with `joined`.
//!
//! # How the rules are measured
//! Besides the pinned examples in the tests, `checks_corpus/` holds phrasings written once
//! and split once into a *tuning* half (`tuning.tsv`) and a *held-back* half
//! (`held_back.tsv`), plus `tuning_2.tsv`, written later in new words (new formulations of
//! each kind and hard near-misses) when the first round turned out to have learned the
//! tuning sentences rather than the kinds of wording behind them. Rules are developed
//! against the two tuning files only; the held-back half only measures, and its test prints
//! figures but never its rows, so a rule cannot quietly be fitted to it. It has been
//! measured twice, once after each round of tuning, and never tuned on; while tuning, run
//! the corpus tests with `--skip the_held_back_half`.
//!
//! Words quoted in order to be judged are not flagged by any rule: "'Calm down' is what I
//! used to say to you", "Saying 'it was just a few messages' was me minimizing".
//!
//! # Decisions worth knowing
//! - **"you always / you never"** is criticism when it describes the partner's behaviour.
//!   It is not flagged when it follows a wish, promise or word of affection ("I hope you
//!   never…", "I'll love you always", "make sure you never…"), in a question ("have you
//!   always felt…?", "are you always this kind?"), when it reports words said before ("I
//!   said you never listen"), or when it goes on to speak of the partner's worth or
//!   kindness ("…deserved this", "…make me laugh", "…there for me", "…so patient", "…the
//!   problem", "…welcome"), or thanks the habit ("…, and I love that", "…, and it helps").
//!   After "never" only, never doing something unkind is praise ("you never once missed a
//!   pickup", "you never made me feel stupid", "you were never anything but kind", "you're
//!   never boring", "you never have to hide"), while "you always forget" and "you always
//!   have to have the last word" stay complaints. Anything else, including "you always make me
//!   feel safe", is flagged: the lists are short on purpose and easy to grow.
//! - **"you never …" in an apology** is blame only with a verb of neglect ("you never
//!   listened", "you were never there", "you never had time"): "you never knew", "you never
//!   had a say" and "I know you never wanted this" acknowledge what the partner was spared
//!   or denied.
//! - **Excuses**: a state offered as the reason ("I was drunk", "I was under so much
//!   stress", "I'd had a rough week", "the pressure got to me") is flagged unless the
//!   sentence sets it aside ("…and that is no excuse", "…doesn't excuse", "…and I still
//!   chose", "…anyway", "…instead of telling you", "…loneliness didn't send those
//!   messages, I did"), denies it ("not because I was lonely",
//!   "I told myself I was stressed"), or uses it as a time ("when I was drunk I said…").
//!   "Tired of lying", "desperate to tell you" and "high on the attention" are not states.
//!   Saying it just happened, or that it was not really you, is an excuse of its own
//!   (`disowning-the-choice`): it takes the chooser out of the story.
//! - **Passive voice** ("mistakes were made", "things got out of hand", "lines were
//!   crossed") is minimizing with its own rule; quoting it ("'Mistakes were made' is what my
//!   dad said") is not.
//! - **Dismissing feelings** ("calm down", "you're overreacting", "you're too sensitive",
//!   "it's all in your head") is its own category; "you are overreacting" moved there from
//!   minimizing. It is not flagged when the writer speaks of themself ("I need to calm down
//!   first"), of things settling ("once things calm down at work"), refuses to say it ("I'd
//!   never tell you to calm down"), or owns having said it ("I told you you were imagining
//!   things", "I made you feel like you were crazy").
//! - **Trust, like forgiveness, can be asked for, never owed**: "you have to trust me",
//!   "I've earned it back", "what more do you want" and "I've apologised a hundred times"
//!   are pressure; "I hope one day you can trust me again" is not. Closing the subject ("can
//!   we stop talking about it", "let's not rehash it", "I'm done talking about this", "I'm
//!   not answering any more questions") is pressure to move on.
//! - **"move on"** in an apology is flagged as a demand even when phrased as a hope ("I
//!   hope we can move on"): in a repair the hurt partner sets the pace, and the flag only
//!   invites a second look. It is not flagged when followed by "to" ("move on to the next
//!   step", moving to another thing rather than past the hurt), "onto" is another word, and
//!   it is not flagged when the writer says they are *not* asking for it ("I won't ask you
//!   to move on", "you can't just move on"). "Move forward" is read the same way, except as
//!   the discourse marker "Moving forward, I'll …".
//! - **"but" after an apology** is flagged only within the same sentence and within
//!   [`MAX_GAP`] tokens; "I'm sorry. But …" is two sentences and is not flagged. "but also"
//!   and "not only … but" are lists, not excuses. "However" counts only when a pause or the
//!   end follows it ("I'm sorry; however, …"): "however long it takes" means "no matter how".
//! - **Insults** count as contempt only when aimed at the partner ("you idiot", "you're
//!   pathetic", "what a loser", "you lying coward", or a sentence that is nothing but the
//!   insult: "Liar.", "Selfish liar."); "I was so stupid" is about the writer, and "I said
//!   you were a liar" or "I used to think you were a liar" reports words rather than using
//!   them; neither is flagged. "Your …" counts only before a scornful adjective ("your
//!   stupid excuses"): "your joke" is not an insult.
//! - **Rhetorical questions** are contempt only in their scornful shapes: "do you even…?",
//!   "did you really think…?", "who would ever believe/trust/love… you", "who even…".
//!   "Who would have guessed…", "who could ever forget…" and "have you even eaten?" are
//!   left alone. "Do you even remember…?" is flagged even when it is wistful: the words are
//!   the same, and the flag only invites a second look.
//! - **"you're such a …"** is flagged only when the next word is a listed put-down or trait:
//!   an open slot would flag "you're such a good listener".
//! - **Sarcasm markers** are flagged where they stand on their own: "Whatever." but not
//!   "Whatever you decide", "As if you care." (sentence start) but not "I felt as if…",
//!   "What about you?" (a question back) is not defensiveness; "what about you and…" is.

use std::sync::OnceLock;

/// Which check to run.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Check {
    /// For what the partner who broke trust writes: apologies, letters, answers, reports.
    Accountability,
    /// For letters either partner writes.
    Gentleness,
}

/// The checks for a letter, by whether its writer broke trust in any breach of the space:
/// the partner who broke trust gets the accountability check too; anyone else only the
/// gentleness check, which pages offer and never impose (the hurt partner sets the pace).
pub fn for_letter(broke_trust: bool) -> &'static [Check] {
    if broke_trust {
        &[Check::Accountability, Check::Gentleness]
    } else {
        &[Check::Gentleness]
    }
}

/// The checks for what is written about one breach (an answer, a report), by whether its
/// writer is the one who broke trust in it; the partner who was hurt is not checked.
pub fn about_breach(broke_trust: bool) -> &'static [Check] {
    if broke_trust {
        &[Check::Accountability]
    } else {
        &[]
    }
}

/// What kind of wording a flag is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Category {
    ConditionalApology,
    ButAfterApology,
    /// Circumstances offered as the reason it happened: drink, stress, loneliness.
    Excuse,
    Blame,
    Minimizing,
    Demand,
    /// Telling the hurt partner their feelings are too much: "calm down", "overreacting".
    Dismissing,
    Criticism,
    Contempt,
    Defensiveness,
}

impl Category {
    /// A short label to show next to a flag.
    pub fn label(&self) -> &'static str {
        match self {
            Category::ConditionalApology => "Conditional apology",
            Category::ButAfterApology => "“But” after an apology",
            Category::Excuse => "Excuse",
            Category::Blame => "Blaming the other",
            Category::Minimizing => "Minimizing",
            Category::Demand => "Demand",
            Category::Dismissing => "Dismissing feelings",
            Category::Criticism => "Criticism",
            Category::Contempt => "Contempt",
            Category::Defensiveness => "Defensiveness",
        }
    }
}

/// One piece of wording that may land badly, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Flag {
    /// The id of the rule that raised it, e.g. `conditional-apology`.
    pub rule: &'static str,
    pub category: Category,
    /// The matched words as written (original casing; whitespace runs collapsed).
    pub excerpt: String,
    /// Where the matched words stand in the text checked, as byte offsets (`start..end`
    /// is on character boundaries), so a page can mark them where they were written.
    pub start: usize,
    pub end: usize,
    pub explanation: &'static str,
    pub suggestion: &'static str,
}

/// Runs one check over `text`. Every place a rule matches is a flag of its own (matches of
/// one rule never overlap), in order of appearance in the text.
pub fn check(kind: Check, text: &str) -> Vec<Flag> {
    let sentences = sentences(text);
    let mut found: Vec<(usize, Flag)> = Vec::new();
    for (index, rule) in compiled().iter().enumerate() {
        if rule.rule.check != kind {
            continue;
        }
        for (start, end) in matches(&rule.patterns, &sentences) {
            found.push((
                index,
                Flag {
                    rule: rule.rule.id,
                    category: rule.rule.category,
                    excerpt: text[start..end]
                        .split_whitespace()
                        .collect::<Vec<_>>()
                        .join(" "),
                    start,
                    end,
                    explanation: rule.rule.explanation,
                    suggestion: rule.rule.suggestion,
                },
            ));
        }
    }
    found.sort_by_key(|(index, flag)| (flag.start, *index));
    found.into_iter().map(|(_, flag)| flag).collect()
}

// ---------------------------------------------------------------------------------------
// The table
// ---------------------------------------------------------------------------------------

/// The longest stretch a `...` slot covers, in tokens. It keeps "but" close to the apology
/// it answers and keeps matching linear in the length of the text.
pub const MAX_GAP: usize = 30;

struct Rule {
    id: &'static str,
    check: Check,
    category: Category,
    patterns: &'static [Pattern],
    explanation: &'static str,
    suggestion: &'static str,
}

/// One phrase of the pattern language, with its exceptions. Other detectors that read text
/// the way the checks do build their own lists of these and compile them as [`Phrases`].
#[derive(Clone, Copy)]
pub(crate) struct Pattern {
    phrase: &'static str,
    unless_before: &'static [&'static str],
    unless_after: &'static [&'static str],
    unless_inside: &'static [&'static str],
}

pub(crate) const fn p(phrase: &'static str) -> Pattern {
    Pattern {
        phrase,
        unless_before: &[],
        unless_after: &[],
        unless_inside: &[],
    }
}

impl Pattern {
    pub(crate) const fn unless_before(self, sequences: &'static [&'static str]) -> Self {
        Pattern {
            unless_before: sequences,
            ..self
        }
    }

    pub(crate) const fn unless_after(self, sequences: &'static [&'static str]) -> Self {
        Pattern {
            unless_after: sequences,
            ..self
        }
    }

    pub(crate) const fn unless_inside(self, sequences: &'static [&'static str]) -> Self {
        Pattern {
            unless_inside: sequences,
            ..self
        }
    }
}

/// Named word lists, used in patterns as `@name`.
const LISTS: &[(&str, &[&str])] = &[
    (
        "apology",
        &[
            "sorry",
            "apologize",
            "apologise",
            "apologies",
            "apologizing",
            "apologising",
            "apology",
            "regret",
            "regrets",
        ],
    ),
    (
        "degree",
        &[
            "so",
            "very",
            "really",
            "truly",
            "deeply",
            "sincerely",
            "terribly",
            "genuinely",
            "honestly",
        ],
    ),
    // States offered as the reason it happened: drink, strain, tiredness, loneliness.
    (
        "circumstances",
        &[
            "drunk",
            "tipsy",
            "wasted",
            "hammered",
            "high",
            "stoned",
            "intoxicated",
            "drinking",
            "stressed",
            "overwhelmed",
            "exhausted",
            "tired",
            "lonely",
            "depressed",
            "vulnerable",
            "overworked",
            "desperate",
            "burnt",
            "burned",
            "low",
            "unhappy",
            "grieving",
            "isolated",
            "heartbroken",
            "insecure",
            "bored",
            "miserable",
            "numb",
            "empty",
            "anxious",
            "trapped",
            "suffocated",
            "restless",
            "frustrated",
            "alone",
            "broken",
            "hungover",
            "sleepless",
            "jetlagged",
        ],
    ),
    // What is named as the one who acted ("the stress got to me", "my anxiety was why").
    (
        "causes",
        &[
            "stress",
            "pressure",
            "strain",
            "drink",
            "drinking",
            "alcohol",
            "wine",
            "loneliness",
            "depression",
            "anxiety",
            "exhaustion",
            "grief",
            "illness",
            "childhood",
            "upbringing",
            "trauma",
            "insecurity",
            "insecurities",
            "addiction",
            "past",
            "hormones",
            "adhd",
            "burnout",
            "insomnia",
            "medication",
            "meds",
            "boredom",
            "unhappiness",
            "tiredness",
            "workload",
            "hours",
            "job",
            "travel",
        ],
    ),
    // Words that make a feeling sound like a fault of the one who has it.
    (
        "dismissals",
        &[
            "overreacting",
            "exaggerating",
            "dramatic",
            "overdramatic",
            "melodramatic",
            "hysterical",
            "irrational",
            "unreasonable",
            "paranoid",
            "oversensitive",
            "hypersensitive",
            "ridiculous",
            "imagining",
            "overthinking",
            "crazy",
            "insane",
            "delusional",
            "insecure",
            "jealous",
            "needy",
            "neurotic",
            "obsessive",
            "obsessing",
            "hormonal",
            "petty",
            "silly",
            "touchy",
            "overemotional",
            "overanalysing",
            "overanalyzing",
            "catastrophising",
            "catastrophizing",
            "nuts",
            "mental",
            "unhinged",
        ],
    ),
    // Feelings of being left out that, in an apology, point at the partner as the cause.
    (
        "neglected",
        &[
            "invisible",
            "neglected",
            "ignored",
            "unloved",
            "unwanted",
            "unappreciated",
            "unseen",
            "rejected",
            "unheard",
            "abandoned",
        ],
    ),
    // What the partner was too much of, offered as the reason ("you were always so busy").
    (
        "distant",
        &[
            "busy",
            "distant",
            "cold",
            "distracted",
            "absent",
            "angry",
            "critical",
            "wrapped",
            "absorbed",
            "preoccupied",
            "unavailable",
            "away",
            "working",
            "tired",
        ],
    ),
    // Words that make a breach sound small.
    (
        "small",
        &[
            "small",
            "little",
            "tiny",
            "minor",
            "silly",
            "harmless",
            "brief",
            "momentary",
            "innocent",
            "meaningless",
            "trivial",
            "slight",
            "quick",
            "casual",
            "stupid",
            "dumb",
        ],
    ),
    (
        "slips",
        &[
            "lapse",
            "slip",
            "mistake",
            "mistakes",
            "blip",
            "error",
            "fling",
            "thing",
            "flirtation",
            "flirting",
            "kiss",
            "indiscretion",
            "misstep",
            "hiccup",
            "crush",
            "glitch",
            "fun",
            "chat",
            "messages",
            "texts",
            "texting",
            "friendship",
            "drink",
            "drinks",
            "lie",
            "lies",
            "fib",
            "affair",
            "money",
            "amount",
            "sum",
        ],
    ),
    // Adjectives that judge a person's character.
    (
        "traits",
        &[
            "selfish",
            "lazy",
            "inconsiderate",
            "thoughtless",
            "heartless",
            "cold",
            "cruel",
            "careless",
            "irresponsible",
            "immature",
            "childish",
            "dramatic",
            "crazy",
            "insane",
            "paranoid",
            "jealous",
            "controlling",
            "needy",
            "impossible",
            "unbearable",
            "manipulative",
            "toxic",
            "ungrateful",
            "arrogant",
            "narcissistic",
            "hopeless",
            "weak",
            "spineless",
            "mean",
            "rude",
            "dishonest",
            "unreliable",
            "clueless",
            "difficult",
            "demanding",
            "boring",
            "annoying",
            "clingy",
            "incapable",
            "untrustworthy",
            "deceitful",
            "disloyal",
            "sneaky",
            "insensitive",
            "uncaring",
            "unfeeling",
            "entitled",
            "petty",
            "vindictive",
            "cowardly",
            "incompetent",
            "ignorant",
            "stubborn",
            "condescending",
            "patronizing",
            "patronising",
            "neglectful",
            "spoiled",
            "spoilt",
            "vain",
            "shallow",
            "greedy",
            "bossy",
            "nasty",
            "horrible",
            "secretive",
            "evasive",
            "cagey",
            "moody",
            "judgmental",
            "judgemental",
            "hypocritical",
            "flaky",
            "fake",
            "negative",
            "cheap",
            "stingy",
            "sloppy",
            "unfaithful",
            "dense",
            "thick",
        ],
    ),
    // What follows "self" in a compound that judges ("self-absorbed", "self-centred").
    (
        "self_traits",
        &[
            "absorbed",
            "centered",
            "centred",
            "obsessed",
            "righteous",
            "serving",
            "important",
            "pitying",
        ],
    ),
    // Nouns that sum a person up unkindly (criticism rather than outright insult).
    (
        "putdowns",
        &[
            "jerk",
            "hypocrite",
            "coward",
            "child",
            "baby",
            "mess",
            "nag",
            "bully",
            "narcissist",
            "cheat",
            "cheater",
            "brat",
            "failure",
            "disappointment",
            "nightmare",
            "snob",
            "slob",
        ],
    ),
    // Name-calling: contempt when aimed at the partner.
    (
        "insults",
        &[
            "idiot",
            "stupid",
            "pathetic",
            "loser",
            "liar",
            "useless",
            "worthless",
            "disgusting",
            "moron",
            "fool",
            "dumb",
            "creep",
            "joke",
            "disgrace",
            "embarrassment",
            "snake",
            "rat",
            "pig",
            "scumbag",
            "scum",
            "trash",
            "garbage",
            "parasite",
            "leech",
            "psycho",
            "freak",
            "clown",
            "imbecile",
            "bastard",
            "bitch",
            "fraud",
            "weasel",
            "slimeball",
            "dickhead",
            "prick",
            "idiots",
            "sleaze",
            "lowlife",
            "dimwit",
            "halfwit",
            "cretin",
        ],
    ),
    // Scornful adjectives, for what belongs to the partner ("your stupid excuses").
    (
        "scorn",
        &[
            "stupid",
            "pathetic",
            "useless",
            "worthless",
            "disgusting",
            "dumb",
            "idiotic",
            "pitiful",
            "lame",
            "lousy",
            "laughable",
            "miserable",
            "spineless",
            "gutless",
            "cowardly",
            "ridiculous",
        ],
    ),
    // What "Mr …" or "Miss …" mocks ("Mr Honesty", "Miss Perfect").
    (
        "virtues",
        &[
            "perfect",
            "honesty",
            "honest",
            "innocent",
            "faithful",
            "loyal",
            "reliable",
            "trustworthy",
            "righteous",
            "responsible",
            "integrity",
            "truthful",
            "wonderful",
            "sensitive",
            "nice",
            "goody",
            "selfless",
            "caring",
            "transparency",
        ],
    ),
    // Kind words that can follow "you are always" without it being a complaint.
    (
        "praise",
        &[
            "good",
            "great",
            "wonderful",
            "amazing",
            "kind",
            "sweet",
            "lovely",
            "loving",
            "caring",
            "generous",
            "patient",
            "strong",
            "brave",
            "gentle",
            "beautiful",
            "special",
            "thoughtful",
            "warm",
            "devoted",
            "honest",
            "funny",
            "smart",
            "clever",
            "supportive",
            "gift",
            "blessing",
        ],
    ),
    (
        "people",
        &[
            "person",
            "partner",
            "husband",
            "wife",
            "man",
            "woman",
            "father",
            "mother",
            "parent",
            "boyfriend",
            "girlfriend",
            "friend",
        ],
    ),
];

/// Two exception lists as one, for a pattern that needs both. `N` is checked at compile
/// time, so a list cannot be cut short.
const fn joined<const N: usize>(a: &[&'static str], b: &[&'static str]) -> [&'static str; N] {
    assert!(
        a.len() + b.len() == N,
        "joined: N is not the length of both lists"
    );
    let mut out = [""; N];
    let mut i = 0;
    while i < a.len() {
        out[i] = a[i];
        i += 1;
    }
    let mut j = 0;
    while j < b.len() {
        out[a.len() + j] = b[j];
        j += 1;
    }
    out
}

/// Just before a demand, these show the writer is not making it ("I won't ask you to move
/// on", "I understand why you can't just let it go") or is speaking of themself ("I let it
/// go too far").
const NOT_ASKING: &[&str] = &[
    "have|has|had not|never [yet]",
    "i [will|would|can|could|do|did] [not|never]",
    "not|never ask|expect|want|need|tell|asking you to",
    "you|we can|could|will not [just]",
    "you|we will never",
    // "I never want you to feel you have to get past this".
    "not|never want|expect|ask|asking|need you to ...",
    "not|never ... feel|think|believe [that] you [have|need|must] [to]",
];

/// Later in the sentence, these show that the words are quoted from before rather than
/// said now ("'Calm down' is what I used to say to you"): every rule of both checks
/// carries them.
const QUOTED: &[&str] = &[
    "... is|was|were|are what|how i|you|he|she|they|we [*] [*] said|say|says|told|tell|wrote|write|called|used|kept|texted|screamed|shouted|yelled|meant|put",
];

/// At the start of the sentence, these show that the words are quoted to be judged
/// ("Saying 'it was just a few messages' was me minimizing"): every rule carries them.
const QUOTING: &[&str] = &["^ saying|calling|telling|writing|pretending ..."];

/// Just before a phrase, these report it rather than say it ("I'm not saying it's not my
/// fault", "I won't pretend nothing happened").
const REPORTED: &[&str] = &[
    "say|saying|said|pretend|pretending|pretended|claim|claiming|claimed ...",
    // What the writer told themself: "I kept telling myself it was harmless".
    "told|tell|telling|convinced|convincing|persuaded myself ...",
];

/// Like [`REPORTED`], but only for words said before ("I used to say 'I'm sorry if you were
/// hurt'"): "I just want to say I'm sorry if …" is still the phrase itself.
const SAID_BEFORE: &[&str] = &[
    "said|wrote|claimed|pretended ...",
    "told|tell|telling|convinced|convincing|persuaded myself ...",
    "used to|would|kept say|saying|write|writing ...",
];

/// Before "if you were hurt", these invite the partner to say so ("let me know if you were
/// hurt") or quote an old apology.
const INVITED_OR_SAID_BEFORE: [&str; 2 + SAID_BEFORE.len()] =
    joined(&["me know", "tell|ask me"], SAID_BEFORE);

/// Just before a request to calm down, stop or drop it, these show the writer is speaking of
/// themself ("I need to calm down first", "I'll drop it off").
const OF_MYSELF: &[&str] = &[
    "i [!you] [!you] [to]",
    "told|tell|telling you to",
    "not|never want|going|plan|mean|intend|need|have|got to",
];

/// A demand the writer is not making, or one about themself.
const NOT_DEMANDED: [&str; NOT_ASKING.len() + OF_MYSELF.len()] = joined(NOT_ASKING, OF_MYSELF);

/// A request to calm down that is the writer's own, or one they say they will not make.
const NOT_DISMISSING: [&str; NOT_DEMANDED.len() + 3] = joined(
    &NOT_DEMANDED,
    &[
        "we|us [!you] [to]",
        // Things settling, not a person: "once things calm down", "when the kids settle down".
        "things|it|everything|life|they|he|she|kids|children|work|dust [have|has|will|can|to]",
        "do not",
    ],
);

/// Before a word that makes it small, these deny the smallness ("it wasn't a small thing"),
/// quote it ("I said it was just a fling") or pick one thing out ("one small step").
const NOT_SMALL: [&str; SAID_BEFORE.len() + 3] = joined(
    SAID_BEFORE,
    &[
        "one|every|each|the|first|next|this",
        "not|no|never|hardly|than [just|only|simply|merely] [a|an|one]",
        "more than [a|an]",
    ],
);

/// Before "you are overreacting", these report the words or the doubt the writer caused
/// ("I made you feel like you were crazy", "I told you you were paranoid").
const FELT_OR_SAID: &[&str] = &[
    "feel|felt|think|thought|believe|believed|like|if|wonder|wondered|said|told|call|called|saying|telling [like|that]",
    "told|tell|telling|called you [that|like]",
];

/// Anywhere before, these report the words as the writer's own, said earlier.
const SAID_TO_YOU: &[&str] = &["told|said|called|accused|insisted|claimed ..."];

/// Before "all in your head", these deny it or report it.
const NOT_IN_YOUR_HEAD: [&str; FELT_OR_SAID.len() + 1] = joined(FELT_OR_SAID, &["not|never"]);

/// Said about forgiving or trusting, these report the demand or refuse to make it.
const NOT_OWED: &[&str] = &[
    "not|never say|saying|think|believe|ask|asking|expect",
    "feel|felt [like|that]",
];

/// Straight after a circumstance, these show it is named and set aside ("I was drunk, and
/// that is no excuse", "I was exhausted, and I still chose…").
const DISCLAIMED: &[&str] = &[
    // "Tired of lying", "desperate to tell you", "high on the attention" are not states.
    "of|to|on",
    "... excuse|excuses|excusing",
    "... no|not [an|any] reason",
    "... not [the] why|reason",
    "... does|did|do|can|will not|never excuse|explain|justify|change",
    "... still|anyway|regardless|nevertheless|nonetheless",
    // The writer names their own choice: "I was lonely, and I chose to lie".
    "... i chose|decided",
    // "…but loneliness didn't send those messages, I did."
    "... @causes|drink|circumstances did|does|do|was|is not|never",
    "... , i did $",
    "... instead",
];

/// Just before a circumstance, these deny it was the reason ("not because I was lonely").
const NOT_THE_REASON: [&str; REPORTED.len() + 3] = joined(
    REPORTED,
    &[
        "not|never because|since|that",
        "told|tell|telling myself ...",
        // A time, not a reason: "when I was drunk I said things to her".
        "when|while|whenever",
    ],
);

const ALWAYS_NEVER_BEFORE: &[&str] = &[
    "love|loved|miss|missed|thank|cherish|adore|choose|hope|wish|pray|promise|sure",
    // A question ("are you always this kind?", "will you always tell me?").
    "have|had|are|were|will|would",
    "hope|wish|pray|promise|sure that",
    "so that",
    // Words reported ("I said you never listen, and it wasn't fair").
    "said|say|saying|told|claimed [that]",
];

const ALWAYS_NEVER_AFTER: &[&str] = &[
    "deserve|deserved|deserves|deserving",
    "make|made me laugh|smile",
    "know|knew how to make me",
    "there for",
    "have|had my back",
    "do|did|try|tried your best",
    "try|tried so hard",
    "did|do anything wrong|to",
    "give|gave up on",
    "seem|seemed to know|understand",
    "know|knew what to say",
    "in my",
    "the problem|reason|cause",
    "to blame",
    "at fault",
    "[so|such] [a|an] @praise",
    "welcome|loved|wanted|safe|forgiven|enough",
    "keep|kept your word|promises|promise",
    // A habit named to be thanked for: "you always make the lunches, and I love that".
    "... i love|appreciate|admire|adore|cherish|treasure that|it|this|how|the",
    "... it|that|this helps|helped|means|meant|matters",
];

/// After "never" only: never doing something unkind is praise ("you never once missed a
/// pickup", "you never wanted this"), while "you always forget" is still a complaint.
const NEVER_KIND: &[&str] = &[
    "have|had|need|needed|needs to",
    // Never unkind is praise: "you were never anything but kind", "you're never boring".
    "anything|nothing but|other",
    "[once|ever|even|really] @traits|@scorn|boring|dull|unkind|impatient|unfair|late|short|harsh",
    "[once|ever|even] miss|missed|forget|forgot|fail|failed|complain|complained|hesitate|hesitated|judge|judged|blame|blamed|waver|wavered|falter|faltered|doubt|doubted|lied|cheated|betrayed|meant|mean|quit",
    "[once|ever|even] stop|stopped loving|believing|trying|caring|fighting|hoping|showing",
    "[once|ever] wanted|chose|deserved this|any|it|that",
    "[once|ever] asked for",
    "[once|ever] made me feel",
    "let me down|go",
];

const NEVER_AFTER: [&str; ALWAYS_NEVER_AFTER.len() + NEVER_KIND.len()] =
    joined(ALWAYS_NEVER_AFTER, NEVER_KIND);

/// In an apology, "I know you never wanted this" acknowledges rather than blames.
const NEVER_ACKNOWLEDGED: [&str; ALWAYS_NEVER_BEFORE.len() + 1] = joined(
    ALWAYS_NEVER_BEFORE,
    &["know|knew|understand|realize|realise|see [that]"],
);

/// Straight after "you made me", these are thanks, not blame.
const MADE_ME_KIND: &[&str] = &[
    "better|happier|happy|laugh|smile|proud",
    "a better",
    "feel loved|safe|special|happy|welcome|wanted",
    "want to be better",
    "realize|realise|see|understand|cry|think|remember|wonder",
];

static RULES: &[Rule] = &[
    // ---- accountability -------------------------------------------------------------
    Rule {
        id: "conditional-apology",
        check: Check::Accountability,
        category: Category::ConditionalApology,
        patterns: &[
            p("[i|my] [am] [@degree] @apology if").unless_before(SAID_BEFORE),
            p("[i|my] [am] [@degree] @apology [that] you feel|felt|feeling|see|saw|took|take|think|thought"),
            p("[i|my] [am] [@degree] @apology [that] you are|were|got|get hurt|upset|offended"),
            // "Sorry for any hurt I caused", "… for whatever pain": the harm as a maybe.
            p("[i|my] [am] [@degree] @apology for any|whatever"),
            p("if i [have|had|ever|might|may] [have] hurt|upset|offended|disappointed|caused|wronged|let|made you|your")
                .unless_after(&["again"]),
            p("if i [have|had|ever] did|done|said anything|something"),
            p("if anything i did|said|have").unless_before(&INVITED_OR_SAID_BEFORE),
            p("if it|that|this hurt|upset|offended you").unless_before(SAID_BEFORE),
            p("if my * [*] [have|has|had|ever] hurt|upset|offended|caused|disappointed|made|left|gave"),
            // The fault as a maybe: "if I was ever unfair", "if I came across as cold".
            p("if i [ever] was|were|have|had|came|seemed|sounded|acted|behaved [ever] [been] [across] [as] [ever] [a] [bit|little] unfair|wrong|unkind|hurtful|insensitive|dishonest|selfish|rude|harsh|cold|distant|short|thoughtless|careless|inconsiderate|mean")
                .unless_before(&["even|as"])
                .unless_after(&["again"]),
            p("@apology it|that|this|any|anything if").unless_before(SAID_BEFORE),
            p("if that|this|it is|was what|how you took|take|heard|read|understood|saw|see|took|interpreted"),
            // Sorry for how they learned of it: "I'm sorry you had to find out from her".
            p("@apology [that] you had|have to find|hear|learn|discover [out] [about] [it] from|like|this|that|through|second|before"),
            p("if you were|felt|got|feel hurt|upset|offended")
                .unless_before(&INVITED_OR_SAID_BEFORE),
            p("if that|this is how you feel|felt"),
            p("to the|whatever extent|degree"),
            p("if you think|thought|feel|felt|believe|believed [that] i ... @apology"),
            // Sorry for how it came out rather than for what was done.
            p("@apology ... found|find|hear|heard|learned|learnt|discovered [out] [about] [it] [*] that|this way"),
            p("@apology ... found|find|hear|heard|learned|learnt|discovered [out] [about] [it] [*] like that|this"),
            // The formal inversion: "Should my actions have caused you distress, …".
            p("^ should my|anything|any|i ... hurt|upset|offended|caused|distressed"),
        ],
        explanation: "An apology that begins with “if”, or with how your partner feels, leaves room to doubt that any harm was done, and turns attention to their reaction instead of your action.",
        suggestion: "Name what you did and how it affected them, with no conditions: “I'm sorry I … . I know it hurt you because …”",
    },
    Rule {
        id: "but-after-apology",
        check: Check::Accountability,
        category: Category::ButAfterApology,
        patterns: &[
            p("[i|my] [am] [@degree] @apology ... but")
                .unless_after(&["also"])
                .unless_inside(&["not only|just", "no|without [any] but"]),
            // "However" straight before a word ("however long it takes", "however you
            // feel") means "no matter how"; the objecting one is followed by a pause.
            p("[i|my] [am] [@degree] @apology ... however").unless_after(&["*"]),
            p("[i|my] [am] [@degree] @apology ... though|although").unless_before(&["even|as"]),
            // The same shape after other ways of owning up: "I feel terrible, but …",
            // "I know I was wrong, but …", "I messed up, but …".
            p("i feel|felt [so|@degree] bad|terrible|awful|guilty|horrible ... but")
                .unless_after(&["also"])
                .unless_inside(&["not only|just", "no|without [any] but"]),
            p("i know [that] i was|am wrong ... but")
                .unless_after(&["also"])
                .unless_inside(&["not only|just", "no|without [any] but"]),
            p("i messed|screwed up ... but")
                .unless_after(&["also"])
                .unless_inside(&["not only|just", "no|without [any] but"]),
        ],
        explanation: "When “but” or “however” follows an apology, the part after it is usually what gets heard, and the apology can read as a lead-in to an excuse.",
        suggestion: "Let the apology end at the full stop. If there is context you want to share, offer it another time, when your partner asks for it.",
    },
    Rule {
        id: "excuse",
        check: Check::Accountability,
        category: Category::Excuse,
        patterns: &[
            // "I was drunk", "I'd been so tired", "I felt overwhelmed", "I got wasted".
            p("i|i'd [had] [just] was|felt|got|been|became [feeling] [just|really|still|already|always] [@degree|too|completely|totally|extremely|incredibly|pretty|a|so] [bit|little|lot|very] @circumstances")
                .unless_before(&NOT_THE_REASON)
                .unless_after(DISCLAIMED),
            p("i|i'd [had] was|been|felt under [*] [*] [*] stress|pressure|strain")
                .unless_before(&NOT_THE_REASON)
                .unless_after(DISCLAIMED)
                .unless_inside(&["no|not|little"]),
            p("i|i'd [had] was|been at|in a [really|very|so|pretty|real] bad|dark|low|terrible|awful|difficult|hard|horrible|strange|weird|rough|breaking place|point|way|mood|patch|spot")
                .unless_before(&NOT_THE_REASON)
                .unless_after(DISCLAIMED),
            p("i|i'd [had] was|been going through a|so lot|much|hard|tough|rough|difficult|bad")
                .unless_before(&NOT_THE_REASON)
                .unless_after(DISCLAIMED),
            p("i|i'd [had] had a|an [really|very|so|pretty] rough|terrible|awful|stressful|horrible|difficult day|week|night|month|year|patch")
                .unless_before(&NOT_THE_REASON)
                .unless_after(DISCLAIMED),
            p("i|i'd [had] had|drank [way|far|much|a] [bit|little|lot|few|couple] too much|many")
                .unless_before(&NOT_THE_REASON)
                .unless_after(DISCLAIMED),
            p("it|everything|things|life|work [all] [just] got|became [just] too much"),
            p("not in my right mind"),
            p("midlife|mid crisis"),
            p("i [was] [having|had] a|some [kind|sort] [of] [mental|nervous|midlife] breakdown|crisis"),
            p("drink|wine|alcohol|beer|booze|drugs talking|talked"),
            p("i [just|completely|totally] lost my way|head|mind|footing|self|myself"),
            p("i'd had|been [a] [few|couple|lot|bunch|several] [of] [too] [many] drinks|wine|beers|glasses|drinking")
                .unless_after(DISCLAIMED),
            p("i|i'd [just|simply] was|been not thinking")
                .unless_after(&["about|of|that|how|when|what|you|it|this|i|to"]),
            p("i|i'd [had] was|been a [complete|total|real|absolute] mess|wreck")
                .unless_before(&NOT_THE_REASON)
                .unless_after(DISCLAIMED),
            p("[my|the] work|life|job|home|money|things|pressure|stress was|were|had [been] [so|@degree|just|pretty|completely|getting] crazy|stressful|hectic|overwhelming|intense|insane|chaotic|unbearable|too")
                .unless_before(&NOT_THE_REASON)
                .unless_after(DISCLAIMED),
            p("did not know how to cope|deal|handle"),
            p("@causes made|makes it hard|impossible|difficult|easy|easier"),
            p("@causes means|meant [that] i"),
            p("my|the @causes was|were|had [been] [so|just|really|completely] through|off|out|bad|terrible|awful|unbearable|overwhelming|crushing|huge|intense"),
            p("@causes ... which|that is|was why"),
            p("wore|wearing|worn|ground|grinding me down"),
            p("had|put|kept|left me under [*] [*] [*] stress|pressure|strain"),
            p("running on ... sleep|fumes|empty"),
            p("sleep deprived"),
            p("[a] lot|much on my plate|mind").unless_after(DISCLAIMED),
            p("got|gets|get|getting the better of me"),
            p("you know what i am|was like"),
            p("you know how i am|get|was"),
            // The circumstance as the one who acted: "the stress got to me", "the drink made me".
            p("@causes ... got|gets to me"),
            p("@causes ... made|drove|pushed|led me")
                .unless_after(MADE_ME_KIND),
            p("anyone|anybody|everyone|everybody|people [else] in my position|shoes|place|situation"),
            p("anyone|anybody|everyone|everybody [else] [in] [my] [position|shoes|place] would|might have struggled|cracked|strayed|snapped|cheated|caved|fallen"),
            p("off my face|head"),
            p("out of my mind|head|depth"),
            p("a [really|very|so] hard|tough|rough|difficult|bad|terrible|awful year|time|period|patch for me")
                .unless_after(DISCLAIMED),
            p("i was not coping|managing|okay|ok|well").unless_after(DISCLAIMED),
            p("you have|need|got to [try] [to] understand|see").unless_before(NOT_ASKING),
            p("see|understand my side|point|perspective").unless_before(NOT_ASKING),
            p("i|i'd was|been at my lowest|worst").unless_after(DISCLAIMED),
            p("rock bottom").unless_after(DISCLAIMED),
            p("anyone|anybody|everyone|everybody [else] would have done|reacted|acted the same"),
            p("i [just] snapped|cracked")
                .unless_before(REPORTED)
                .unless_after(&["at"]),
            p("@causes [just] took|takes|got hold|over|control|the"),
            p("@causes is|was why|the reason"),
            p("i|i'd [had] was|been [really|so|badly] struggling|suffering|battling|dealing|coping")
                .unless_before(&NOT_THE_REASON)
                .unless_after(DISCLAIMED),
            p("i [just] needed|wanted|craved an|a|some escape|outlet|release|distraction|attention|comfort|validation|excitement|connection")
                .unless_before(&NOT_THE_REASON)
                .unless_after(DISCLAIMED),
            p("i was [so|just|too|very|still] young|naive|immature|inexperienced")
                .unless_before(&NOT_THE_REASON)
                .unless_after(DISCLAIMED),
            p("moment|moments of weakness|madness").unless_before(&NOT_SMALL),
            p("i am|was only|just human"),
            p("nobody|noone is perfect"),
            p("no one is perfect"),
        ],
        explanation: "Naming drink, stress, tiredness or loneliness as the reason can sound as if the circumstances chose, not you, and your partner may hear that it could happen again whenever life gets hard.",
        suggestion: "Name the circumstance, if you need to, and set it aside: “I was stressed, and that is no excuse. I chose to …, and it was wrong.”",
    },
    Rule {
        id: "disowning-the-choice",
        check: Check::Accountability,
        category: Category::Excuse,
        patterns: &[
            p("it|things|this|that|everything [all] [kind|sort] [of] just happened")
                .unless_before(REPORTED),
            p("one thing led to another"),
            p("it|that|this was|is not [really] [the] [real] me")
                .unless_after(&["who|that|asking|trying|saying|making|being|telling"]),
            p("i was not [being] myself"),
            p("what|something came|got over|into me"),
            p("i had|have no [other] choice|option").unless_before(REPORTED),
        ],
        explanation: "Saying it just happened, or that it was not really you, takes the choice out of the story. Your partner needs to hear that someone chose, and that it was you.",
        suggestion: "Say it as a choice: “I chose to … . Nobody and nothing made me.”",
    },
    Rule {
        id: "blaming-the-other",
        check: Check::Accountability,
        category: Category::Blame,
        patterns: &[
            p("you made me").unless_after(MADE_ME_KIND),
            p("you made|make it|things|everything [so] impossible|hard|difficult"),
            p("you made it [very|so|pretty|really] clear [that] you [did|do] not|never"),
            p("you were|are not [always|ever|really|even] there|around|home|interested|available|present|attentive|affectionate|supportive")
                .unless_before(&["when|while|whenever|if|since|know|knew"]),
            p("you started it|this|that|all"),
            p("your * [*] [that|which|is|was|has|had] pushed|drove|forced|made me").unless_after(MADE_ME_KIND),
            p("you [also|too] played|play|had|have [a|your|some|an] [big|huge|large|equal] part|role|hand in"),
            p("you [*] did|do nothing|little about it|this|that|us|anything"),
            p("you [*] did|do nothing|little to help|fix|stop|save|change|support"),
            p("you chose|picked|put|prioritised|prioritized ... over|before|ahead me"),
            p("you would|could not|never [even] look|hold|kiss|hug|touch|come|speak|smile|laugh [at|with|to|near] me"),
            p("if you had")
                .unless_before(&["even|as"])
                .unless_after(&[
                    "any|questions",
                    "a question",
                    // Finding out, not a cause: "if you had asked me, I would have lied".
                    "[ever] asked|known|found|seen|noticed|checked|looked|caught|questioned|read|discovered|learned|learnt",
                ]),
            p("if you'd").unless_before(&["even|as"]).unless_after(&[
                "like|prefer|rather|want|be|let|allow|care|need|ask|give|tell",
            ]),
            p("because you")
                .unless_before(&["not|never"])
                .unless_after(&[
                    "deserve|deserved|deserves|matter|mattered|mean|meant|asked|ask|love|loved|trusted|trust|need|needed|want|wanted|should|will|would|could|can|may|might",
                    "are|were worth",
                    "have|had a|the|every right",
                ]),
            p("you drove|pushed|forced me"),
            p("you [*] neglected|ignored|rejected|abandoned|froze|shut me").unless_before(&["not that"]),
            p("you|you'd [just|completely|basically|had|have|all] stopped|quit noticing|touching|caring|listening|talking|wanting|trying|making|paying|loving|asking|looking|showing")
                .unless_before(&["not that", "know|knew|understand [that]"])
                .unless_after(&["... because|since|after i"]),
            p("you left|gave me no|little choice"),
            // In an apology, what the partner never did is offered as a cause ("you never
            // wanted to talk, so …"); the kind uses are the ones the gentleness check spares.
            p("you [were|are] never [once|really|even] there|around|home|interested|available|listened|listen|listening|noticed|notice|wanted|want|asked|ask|cared|care|paid|touched|touch|talked|talk|showed|show|supported|support|tried|try|appreciated|appreciate|understood|understand|helped|help|made|make|initiated|prioritised|prioritized|thanked|complimented")
                .unless_before(&NEVER_ACKNOWLEDGED)
                .unless_after(&["for|this|that|it|any|anything|a"]),
            p("you [were|are] never had|have [any] time"),
            p("you [were|are] always [so|too] @distant"),
            p("you were|had [been] [so|too|really|very|always|completely|emotionally|just] cold|distant|absent|unavailable|preoccupied|unaffectionate|dismissive|controlling|withdrawn [to|with|towards|toward] [me]")
                .unless_before(&["when|while|whenever|if|since|know|knew|understand|not|never"]),
            p("you would not|never [even] give|show|touch|listen|talk|let|notice|make"),
            p("our|the marriage|relationship was|had [been] [already] [*] dead|over|broken|dying|empty|loveless|cold|failing")
                .unless_after(&["by|because|when|the", "... because of me"]),
            p("you were|are the one who|that [*] made|pushed|drove|forced|started|stopped|left|wanted|pulled|shut"),
            p("i felt|feel|was [so|@degree] [completely|totally] @neglected"),
            p("she|he|they was|were [always] there for me"),
            p("found|find someone|somebody who|that would|listened|understood|cared|noticed|wanted|appreciated|valued|saw|made|gave|paid|actually"),
            p("what did|do you [honestly|really] expect").unless_after(&["me"]),
            p("how|way you treated|talked|spoke [to] me"),
            p("your fault").unless_before(&[
                "not|never",
                "none of this|it|that is|was",
                "nothing is|was",
                "no way",
                "say|saying|said|claimed|pretended [that] it|this|that is|was",
            ]),
            p("it takes two").unless_after(&["people|of", "to !tango"]),
            p("not all|entirely|only|just|completely|totally|solely|fully my fault"),
            p("it|that|this is|was not my fault").unless_before(REPORTED),
            p("both [of] [us] [are|were] to blame"),
            p("we both made|make mistakes"),
            p("both of us made|make mistakes"),
            p("we both messed|screwed|contributed|failed|played"),
            p("both of us messed|screwed|contributed|failed|played"),
            p("half|part|some|most|much|share [of] [it|this|that|the] [blame|responsibility] is|was|lies|rests [also|partly|equally|squarely|just|really] [on] you|yours"),
            p("you [also|too|both] [have|need|got|must|should|ought] [to] share|bear|carry|have|hold|own|take|accept some|part|half|a|your|equal|the [of] [the] [share] [of] [the] responsibility|blame"),
            p("you are|were also|partly|equally|partially|half|just|as [as] responsible|culpable|guilty"),
            p("you are|were [also|partly|equally|partially|half|just] [as] to blame"),
            p("you are|were no angel|saint|better"),
            p("you are|were not [exactly|completely|totally|entirely|so] innocent|blameless|faultless"),
            p("you do|did it|that|this too"),
        ],
        explanation: "This places part of the cause with your partner. Whatever was hard between you, the choice was yours, and hearing otherwise can deepen the hurt.",
        suggestion: "Speak only about your own part: “I chose to … . It was my decision, and I take responsibility for it.”",
    },
    Rule {
        id: "minimizing",
        check: Check::Accountability,
        category: Category::Minimizing,
        patterns: &[
            p("it|they|those|these was|is|were|are only|just").unless_before(SAID_BEFORE).unless_after(&[
                "fair|right|natural|normal|understandable|wrong|plain|cruel|selfish|me|been|so|too|as|ever|my|mine|i|trying|starting|beginning|getting",
                "the|a beginning|start",
                // Time, not size: "it's just after midnight", "it was only when I saw …".
                "after|before|past|gone|around|when|then|now|because|since|recently|yesterday|today|last|this",
            ]),
            p("only|just once|twice"),
            p("only|just [a] few|couple [of] [*] times|messages|texts|drinks|kisses|dates|emails|calls|weeks|days|nights|months|conversations|chats|photos|pictures")
                .unless_before(SAID_BEFORE),
            p("only happened"),
            p("only|just lasted [for] [a] few|couple|handful|some|one|two|three|a"),
            p("only|just went on [for] [a] few|couple|handful|some|one|two|three|a"),
            p("hardly|barely [a|an] affair|cheating|anything|betrayal|crime|relationship"),
            p("it|that|this was|is not [really] [even] a|an real|proper|actual|serious|full relationship|affair|thing")
                .unless_before(REPORTED),
            p("a handful of times|messages|texts|drinks|dates|kisses|nights"),
            p(", that is it $"),
            p("that is|was all it|there was|is"),
            p("only|just [*] [*] [a] few|couple [of] times|messages|texts|drinks|kisses|dates")
                .unless_before(SAID_BEFORE),
            p("just friends").unless_before(&NOT_SMALL),
            p("it|that was|is [just|only|literally] one|single [*] [little] kiss|time|night|mistake|drink|date|message|text|slip|conversation|afternoon|evening|weekend")
                .unless_before(SAID_BEFORE),
            p("anything|nothing serious|major|physical|sexual").unless_before(REPORTED),
            p("only spent|took|used|moved|borrowed a little|bit|tiny|small"),
            p("did not go|get [very|that|too|so] far"),
            p("it|things never went|got [very|that|too|so] far"),
            p("not|nothing much happened"),
            p("just a friend|colleague|coworker|fling").unless_before(SAID_BEFORE),
            p("@small [online|little|one|white|drunken] @slips").unless_before(&NOT_SMALL),
            p("a|an blip|hiccup|glitch|indiscretion|fling|misstep|lapse|slip")
                .unless_before(&NOT_SMALL),
            p("it|that|this|they|she|he was|is|were|are [just|only|all|completely|totally|pretty|really|basically|literally|honestly] harmless|meaningless|innocent|innocuous|nothing|trivial")
                .unless_before(REPORTED)
                .unless_after(&["compared|next|to|like"]),
            p("not [such] a big deal").unless_before(REPORTED),
            p(", nothing more|else $"),
            p("i [only|just] borrowed"),
            p("i|we only dipped|took|used|spent|moved|met"),
            p("i|we just dipped"),
            p("no big deal").unless_before(REPORTED),
            p("not that bad|big|serious").unless_before(REPORTED),
            p("not even that|so|very|all much|many|bad|big|serious|often|important").unless_before(REPORTED),
            p("not as|so bad|serious|big|terrible|awful as").unless_before(REPORTED),
            p("not the end of the world"),
            p("anything|nothing that|so|too|very bad|serious|terrible|awful|major|big").unless_before(REPORTED),
            p("it|that|this is|was not like i|we|he|she|they|it")
                .unless_before(REPORTED)
                .unless_after(&["[*] not|never"]),
            p("it|that|this is|was not as if|though i|we|he|she|they|it")
                .unless_before(REPORTED)
                .unless_after(&["[*] not|never"]),
            p("i|we [did|have|had|do] not|never even met|meet|slept|sleep|kiss|kissed|touch|touched|like|liked|love|loved|enjoy|enjoyed|fancy|fancied|go|went|want|wanted|spend|spent"),
            p("i|we|she|he|they [have|had] only kissed|texted|flirted|chatted|messaged|hugged|emailed|danced|slept"),
            p("we|i were|was just|only talking|texting|chatting|messaging|flirting|joking|having|hanging"),
            p("could|might have been [a] [lot|much|far|way] worse"),
            p("go|goes|gone|went|going|been through [much|far|way|a] [lot] worse"),
            p("do|does|did|done|doing [much|far|way|a] [lot] worse")
                .unless_before(&["i|we [have|had]"]),
            p("hardly|barely ... count|counts|counted as"),
            p("does|did|would not [really|even|technically] count|counts as"),
            p("not [really|technically|exactly|even|actually] cheating").unless_before(REPORTED),
            p("fib|fibbed|fibbing|fibs"),
            p("white lie|lies"),
            p("bent|bend|bending|stretched|stretch|stretching|fudged|fudge|shaded|massaged the truth|numbers|figures"),
            p("making|make a big deal"),
            p("out of proportion"),
            p("everyone|everybody does|cheats|lies|flirts|makes|hides|keeps|texts|strays|slips|has").unless_before(&["not"]),
            p("lots|plenty|loads|most|many|half [of] [the] couples|people|men|women|husbands|wives|guys do|does|did|cheat|lie|flirt")
                .unless_before(&["not"]),
            p("people|everyone|everybody [all] make|makes|made mistakes"),
            p("we all make|made mistakes"),
            p("at least i|we|it|she|he [did|was|were|had|have|do|is] not|never"),
            p("nothing [really|actually] happened").unless_before(&[
                "pretend|pretending|pretended ...",
                "as if|though",
                "like",
            ]),
            p("it|she|he|that|they did not mean anything"),
            p("it|she|he|that|they did not mean a thing"),
            p("it|she|he|that|they meant|means nothing"),
        ],
        explanation: "Words that make what happened sound small, common or meaningless can tell your partner their pain is too big. How much it hurt is for them to say.",
        suggestion: "Acknowledge the weight of it: “What I did was serious, and it makes sense that it hurts this much.”",
    },
    Rule {
        id: "passive-voice",
        check: Check::Accountability,
        category: Category::Minimizing,
        patterns: &[
            p("mistakes|errors|things|words|lines|boundaries|promises|lies|trust were|was|got|have|has|had [been] made|said|crossed|broken|told|done|blurred|betrayed|exchanged")
                .unless_before(REPORTED)
                .unless_after(&["is|was what"]),
            p("got|get|gets|gotten|went|go [a] [little|bit] [of] out of hand"),
            p("things|it went|got [a] [little|bit] [too] far|further"),
            p("things|it [just] got|went complicated|messy|blurry"),
        ],
        explanation: "Said in the passive (“mistakes were made”, “things got out of hand”), the sentence leaves out who did it, and the harm can sound as if it happened on its own.",
        suggestion: "Put yourself in the sentence: “I made the choice to …, and I hurt you.”",
    },
    Rule {
        id: "pressure-to-move-on",
        check: Check::Accountability,
        category: Category::Demand,
        patterns: &[
            p("get|getting over|past it|this|that|her|him").unless_before(NOT_ASKING),
            p("move on").unless_before(NOT_ASKING).unless_after(&["to"]),
            p("move|moving|moved past it|this|that").unless_before(NOT_ASKING),
            p("let it|this|that go")
                .unless_before(NOT_ASKING)
                .unless_after(&["too|that|so|on|further|far|unanswered|unsaid"]),
            p("stop bringing it|this|that up").unless_before(NOT_ASKING),
            p("stop|quit bringing * [*] up").unless_before(&NOT_DEMANDED),
            p("bygones"),
            p("move|moving forward").unless_before(NOT_ASKING).unless_after(&[","]),
            p("stop|quit looking back"),
            p("get|getting|move|moving over|past|on [it|this|that|her|him] by"),
            p("draw|drawing|drew|put|putting a line under").unless_before(NOT_ASKING),
            p("clean slate|start").unless_before(NOT_ASKING),
            p("wipe|wiping the slate"),
            p("throwing|throw|threw|rubbing|rub it|this|that in my face"),
            p("your turn to forgive|trust|move|let|give|try|meet"),
            p("not want to talk|hear ... ever again|anymore|any").unless_inside(&["you"]),
            p("you have|need|must|should|got|ought [to] give me [another|a|one|more|second] chance|break|try"),
            p("focus|focusing on the future"),
            p("leave|put the past behind"),
            p("the past in the past"),
            p("stop bringing up").unless_before(NOT_ASKING),
            p("stop dwelling on it|this|that|the"),
            p("stop living in the past"),
            p("put it|this|that behind us|you").unless_before(NOT_ASKING),
            // Closing the subject: "can we stop talking about it", "let's not rehash it",
            // "I'm done talking about this", "no more questions".
            p("stop|quit talking|discussing|rehashing|obsessing|harping|asking|questioning|checking|interrogating|snooping|accusing")
                .unless_before(&NOT_DEMANDED)
                .unless_after(&["to|with"]),
            p("stop|quit going on|over [about] it|this|that").unless_before(&NOT_DEMANDED),
            p("going|go|goes round|around in circles"),
            p("back to normal").unless_before(NOT_ASKING),
            p("can|could|would we [please] [just] not|forget"),
            p("drop it|this|that")
                .unless_before(&NOT_DEMANDED)
                .unless_after(&["off|by|round|at|in"]),
            p("drop the subject|matter|topic").unless_before(&NOT_DEMANDED),
            p("leave it|this|that there|alone|be|behind").unless_before(&NOT_DEMANDED),
            p("let us [just] not|stop [*] rehash|rehashing|dwell|dwelling|dredge|dig|revisit|relitigate|drag|talk|talking|discuss|discussing|bring|bringing"),
            p("let us [just] forget|drop|bury|leave it|this|that|about|the"),
            p("rehash|rehashing|relitigate|relitigating|dredge|dredging").unless_before(&NOT_DEMANDED),
            p("you keep|kept bringing|dragging|digging|raking"),
            p("i am|was done|finished|through [with] talking|discussing|answering|explaining|apologizing|apologising|arguing"),
            p("am|will|is not [going] [to] answer|answering|discuss|discussing|explain|explaining [*] [*] any|anymore|further|more")
                .unless_before(REPORTED)
                .unless_inside(&["away", "her|him|them|their|his|hers"]),
            p("no more questions|discussion"),
            p("punish|punishing me").unless_before(&["right to", "if you [want|need|wanted] [to]"]),
            p("hold|holding it|this|that over me|my"),
            p("been long enough").unless_before(&["not|never [*]"]),
            p("enough time has passed").unless_before(&["not"]),
        ],
        explanation: "Asking your partner to move on, let go or stop raising it puts a clock on their hurt. In a repair, the hurt partner sets the pace.",
        suggestion: "Leave the timing with them: “Bring it up whenever you need to. I will keep listening and answering.”",
    },
    Rule {
        id: "pressure-to-forgive",
        check: Check::Accountability,
        category: Category::Demand,
        patterns: &[
            p("you should|must forgive").unless_before(NOT_OWED),
            p("you need|have|ought to forgive").unless_before(NOT_OWED),
            p("you should|must [have] be|been over it|this|that"),
            p("you should|must|ought ... by now").unless_before(NOT_OWED),
            p("not [going] [to] keep|go [on] apologizing|apologising|saying|explaining|answering|justifying|paying|talking|discussing|rehashing")
                .unless_after(&["[*] to you", "to"]),
            p("forgive and forget").unless_before(NOT_ASKING),
            p("you owe me"),
            p("can|could|will|would|why you [please] just forgive|trust|get|move|let|drop|stop|accept"),
            p("forgive|trust me already"),
            p("so|just|now|then [just] forgive|trust me"),
            p("you said|promised [that] you'd|you [would|will] forgive|trust|move|get|let"),
            // Trust, too, as owed: "you have to trust me", "I've earned it back".
            p("you [just] need|have|must|should|ought|got [to] [decide|choose|learn|start|try|begin] [to] [just] trust|believe|forgive me")
                .unless_before(NOT_OWED),
            p("i need you to [just] [start] [to] trust|believe|forgive me"),
            p("i have|had earned it|this|that|back|the|some")
                .unless_before(&["hope|until|when|once|if|before|after|till|not|never"]),
            p("time [for] you [to] forgave|forgive|forgiven|trusted|trust").unless_before(NOT_ASKING),
            p("when will|are you [going] [to] [ever|finally] forgive|trust"),
            p("either you * ... or"),
            // Impatience: "what more do you want", "I've apologised a hundred times".
            p("what more do|can|could|will|would|does you [possibly] want|expect"),
            p("how many times do|must|have|will|should i [have] [to] [keep] apologize|apologise|say|tell"),
            p("@apology|apologised|apologized [so|a|like|about] [a] hundred|thousand|million|dozen|countless|many times")
                .unless_before(&["^ [i|my] [am] [@degree]"]),
        ],
        explanation: "Forgiveness and trust can be asked for, never owed. Presenting them as a duty, as overdue or as earned adds pressure just when your partner needs room.",
        suggestion: "Ask, and leave the answer with them: “I hope that one day you can forgive me. I will wait for as long as you need.”",
    },
    Rule {
        id: "dismissing-feelings",
        check: Check::Accountability,
        category: Category::Dismissing,
        patterns: &[
            p("calm|settle|simmer|cool down").unless_before(&NOT_DISMISSING),
            p("chill|chilling out"),
            p("^ [please|ok|okay|oh|hey|now] [,] [just] relax|chill"),
            p("need|have|got to [just] chill|relax|calm").unless_before(&NOT_DISMISSING),
            p("you are|were [just|really|clearly|obviously] [being] [so|too|really|very|completely|totally|way|a|an|such|just] [bit|little|complete|total] @dismissals")
                .unless_before(FELT_OR_SAID),
            p("you [always] get|got|getting [way|far|much|a|so] [bit|little] too sensitive|emotional|touchy|worked|upset|paranoid|jealous|insecure|dramatic|defensive|angry"),
            p("you are|were [being] [way|far|much|a|so] [bit|little] too sensitive|emotional|touchy|much")
                .unless_before(FELT_OR_SAID),
            p("you are|were [just|really|clearly|obviously] being [so|too|a|very] [bit|little] sensitive|emotional|touchy|childish|silly")
                .unless_before(FELT_OR_SAID),
            p("you are|were not [being|thinking] rational|rationally|reasonable|straight|clearly|logical|logically")
                .unless_before(FELT_OR_SAID),
            p("you are|were not making [any] sense"),
            p("you [always|just] overreact|overreacted|exaggerate|exaggerated|overthink"),
            p("all|only|just in your head|imagination|mind").unless_before(&NOT_IN_YOUR_HEAD),
            p("it is|was in your head|imagination").unless_before(&NOT_IN_YOUR_HEAD),
            p("no|not need|reason to get|be [so|that|this|all|too] upset|emotional|worked|hysterical|dramatic|angry|mad|jealous|paranoid|sensitive|insecure|defensive"),
            p("no|not [a] need|reason to cry|shout|yell|scream"),
            p("not worth crying|getting|being|fretting|stressing|worrying|upset"),
            p("stop|quit crying|whining|sulking|moping|sobbing|overreacting|overthinking|overanalysing|overanalyzing|obsessing|catastrophising|catastrophizing|panicking|freaking|fretting|stressing").unless_before(&NOT_DISMISSING),
            p("stop|quit being [so|such|a|an|too] [a] @dismissals|sensitive|emotional|baby|child").unless_before(&NOT_DISMISSING),
            p("do not be [so|such|a|an|too] [a] @dismissals|sensitive|emotional|baby").unless_before(REPORTED),
            p("do not get|be [so|all|this|that|too] upset|worked|hysterical|emotional|dramatic|angry|mad")
                .unless_before(REPORTED)
                .unless_after(&["with|at|about yourself"]),
            p("drama queen|king|llama"),
            p("you [are|were] making|make|made [such|so] [a] [big] fuss|scene|drama"),
            p("you are|were [being] so|overly|very|really sensitive|emotional|touchy")
                .unless_before(FELT_OR_SAID)
                .unless_after(&["to|with|and"]),
            p("not get|getting [so|all|this|that|too] hysterical|emotional|worked|dramatic|upset|angry|mad")
                .unless_before(&["i|we [will|would|can|could|do|did|am|was|try|tried]"]),
            p("why are|were you [getting] [so|this|that|all] upset|worked|emotional|angry|mad|dramatic|hysterical|defensive|sensitive"),
            p("you should not feel|be [so|that|this] way|upset|jealous|insecure|paranoid|angry"),
            p("you do not need to feel|be [so|that|this] way|upset|jealous|insecure|paranoid|angry"),
            p("reading|read [way|far] [too] [much] into things|it|this|that|nothing|everything|every")
                .unless_before(&["i|we [was|were|am|have|had|kept|keep] [been]"]),
            p("you [are|were] [just] making|make|made [way|far|much|so|too] [way|far|so] [too] much of"),
            p("your jealousy|insecurity|insecurities|anxiety|paranoia|imagination|hormones|trauma|emotions|feelings|fear talking"),
            p("just your jealousy|insecurity|insecurities|paranoia|imagination|anxiety|hormones"),
            p("take|taking|took|takes [it|this|that|things|everything] [so|too] personally"),
            p("^ [please|oh|now|hey|come] [on] [,] do not cry|sulk|whine|pout"),
            p("upset|worked|angry|mad|crying|worried|jealous|hysterical|fuss|scene [up] over|about nothing").unless_before(&NOT_DISMISSING),
            p("you are|were [just] acting|sounding|going|getting [so|a|all] [bit|little] @dismissals|nuts|mad|psycho|emotional|worked")
                .unless_before(FELT_OR_SAID),
            p("you [are|were] making|make|made [it|this|that|everything|something] [*] [*] big deal"),
            p("you [are|were] blowing|blow|blew|taking|take|took [it|this|that|things|everything] [*] [*] [*] proportion"),
            p("mountain out of a molehill"),
            p("get|have|need|keep some|a [little] [bit] [of] perspective"),
            p("in perspective"),
            p("imagination run|runs|running|ran").unless_before(SAID_TO_YOU),
            p("imagining|imagine things").unless_before(SAID_TO_YOU),
            p("you [are] [*] making|make it|this|things [*] [*] [*] worse|bigger|harder|more than it is|was|needs"),
            p("take|took|taking [it|this|that|things|everything|me] [all] the wrong way"),
            p("get a grip"),
            p("get over yourself"),
        ],
        explanation: "Telling your partner to calm down, or that they are overreacting, makes their feelings the problem. Strong feelings are a fair answer to what happened, and they need room, not correction.",
        suggestion: "Make room for the feeling instead: “You have every reason to feel this way. I'm listening, and you can tell me all of it.”",
    },
    // ---- gentleness -----------------------------------------------------------------
    Rule {
        id: "always-never",
        check: Check::Gentleness,
        category: Category::Criticism,
        patterns: &[
            p("you [are|were] always")
                .unless_before(ALWAYS_NEVER_BEFORE)
                .unless_after(ALWAYS_NEVER_AFTER),
            p("you [are|were] never")
                .unless_before(ALWAYS_NEVER_BEFORE)
                .unless_after(&NEVER_AFTER),
            // The same verdict without the word: "there you go again".
            p("there|here you|we go again"),
        ],
        explanation: "“Always” and “never” turn one moment into a verdict about who your partner is, and invite them to argue about the exceptions instead of hearing how you feel.",
        suggestion: "Describe one moment and your own feeling with “I feel … about … and I need …”, for example: “I feel lonely about last night's dinner and I need us to put our phones away.”",
    },
    Rule {
        id: "character-attack",
        check: Check::Gentleness,
        category: Category::Criticism,
        patterns: &[
            p("you are|were [so|really|just|too|very|completely|totally|such|incredibly|unbelievably|being] @traits"),
            p("you are|were [so|really|just|too|very|completely|totally|incredibly|unbelievably] self @self_traits"),
            p("you are [just|really|such|nothing] [but] a|an [@traits|complete|total|real|absolute|little|big] @putdowns"),
            p("you are|were [just|really|such|basically|fundamentally] a|an [*] [,] [*] @traits @people|one|human|soul"),
            p("you are|were [just|really|simply] not a|an [very|particularly|real|good] @praise|trustworthy|decent|reliable|faithful|loyal|honest|nice @people"),
            p("you are the most @traits"),
            p("you are|were [such] a|an [really|truly|just] terrible|awful|lousy|horrible|bad|poor|dreadful|appalling @people|listener|communicator|parent|liar")
                .unless_before(&["not|never [think|believe|say|said|thought|mean|meant] [that]"]),
            p("you can|could never [just] admit|apologise|apologize|listen|accept|own"),
            p("make|makes|made it|everything about you|yourself"),
            p("turn|turns|turned|bring|brings|brought|make|makes|made it|everything|things|this|conversations [all] [back|round|around] to|about|on|onto yourself"),
            p("you [do|did] not|never [really|even] care about|what|how|if|whether|for"),
            p("you are the kind|sort|type of person|man|woman who|that"),
            p("you [are] constantly|continually|forever|perpetually|repeatedly")
                .unless_after(&["amaze|amazing|surprise|surprising|impress|impressing|inspire|inspiring|make|making|support|supporting|help|helping|show|showing|in|on"]),
            p("you are|were late for|to everything|anything|every"),
            p("are|were you [always] [so|really|just|too|being] @traits"),
            p("you are|were [so] [just] full of yourself|it"),
            p("you have|had always|never been [so] @traits"),
            p("control|attention freak|seeker"),
            p("you care|cared more about"),
            p("you really|truly|honestly are|were [so] @traits"),
            p("why are you [always] [so] like this|that"),
            p("you [can] not|never do|get anything right"),
            p("you can not|could not [ever] be trusted"),
            p("you only [ever] care|think about|of yourself"),
            p("you are|were just like your father|mother|dad|mum|mom"),
            p("why can|do|will|would not you ever|once"),
            p("typical [of] you"),
            p("what [the] [hell|heck] is wrong with you"),
            p("what [the] [hell|heck] is the matter with you"),
            p("what kind of @people are you"),
            p("what kind of @people does that|this"),
            p("what kind of @people would do that|this"),
            p("how can|could you be so @traits"),
        ],
        explanation: "Describing your partner's character, rather than a situation, is usually heard as an attack, and that makes it harder for them to take in what you need.",
        suggestion: "Talk about the situation and yourself with “I feel … about … and I need …”, for example: “I feel worn out about the housework and I need us to share it this week.”",
    },
    Rule {
        id: "name-calling",
        check: Check::Gentleness,
        category: Category::Contempt,
        patterns: &[
            p("you really|truly|honestly are|were [a|an|such|so] [*] @insults"),
            p("you [absolute|complete|total|little|big|lying|cheating|stupid|pathetic] @insults")
                .unless_before(&["call|called|calling|calls"]),
            // "You lying coward", "you selfish jerk": a put-down said to someone's face.
            p("you @traits|@scorn|absolute|complete|total|little|big|lying|cheating|sad|miserable|filthy|dirty @putdowns")
                .unless_before(&["call|called|calling|calls"]),
            p("you are|were [so|just|really|such|truly|completely|totally|nothing] [but] [a|an] [complete|total|absolute|real|little|big] @insults")
                .unless_before(&[
                    "call|called|calling|said|say|saying|thought|believed|think|believe [that]",
                    "used to think|believe|say [that]",
                ]),
            p("what a|an [complete|total|absolute|real] @insults"),
            p("what kind|sort of [*] @insults|hypocrite|coward|cheat|cheater|jerk|narcissist|bully")
                .unless_after(&["was|am|have|had i", "i"]),
            // A sentence that is nothing but the insult: "Liar.", "Selfish liar.", "Pathetic."
            p("^ [@traits|@scorn|absolute|complete|total|lying|cheating] [@traits|@scorn] @insults $"),
            p("^ @traits|@scorn|lying|cheating @putdowns $"),
            p("your @scorn"),
            p("you disgust me"),
            p("piece of work|shit|garbage|trash"),
            p("^ [absolutely|just|so|utterly|truly|completely] @insults|@scorn ,"),
            p("^ [absolutely|just|so|utterly|truly|completely] @scorn $"),
            p("you are|were nothing but").unless_after(&["[a|an] [so|very|really] @praise|kind|patient|supportive|loving|honest|good|lovely|gentle|generous|respectful|faithful|loyal"]),
            p("excuse for a|an"),
            p("waste of space|oxygen|skin|air"),
            p("you make|made me [want] [to] throw|vomit|puke|gag|retch"),
            p("can not [even] stand|bear|look at your face"),
            p("you are|were [just] a|an sad|pathetic|pitiful|miserable|spineless|weak|worthless|disgusting [little|sad|old|small] man|woman|boy|girl|person|creature|thing"),
            p(", [you] @insults $"),
            p("can not [even] stand|bear|look at you"),
            p("you are|were a [complete|total|absolute] waste"),
            p("can not stand|bear the sight of you"),
            p("you make|made me sick").unless_after(&["with|of|to"]),
        ],
        explanation: "Insults and put-downs tell your partner you look down on them. Your anger may be fair; words like these make it harder for it to be heard.",
        suggestion: "Name the feeling underneath with “I feel … about … and I need …”, for example: “I feel betrayed about the messages and I need the whole truth.”",
    },
    Rule {
        id: "mockery",
        check: Check::Gentleness,
        category: Category::Contempt,
        patterns: &[
            p("yeah|yea [,] right").unless_after(&[
                "now|away|after|there|here|then|before|back|on|behind|next|where",
            ]),
            p("oh [,] sure").unless_after(&["[,] i|i'd|we|that|thing|thanks|let|sounds|no"]),
            p("^ [oh|yeah|yea] [,] sure you are|do|did|were|have|would $"),
            p("whatever $").unless_before(&["do|need|want|decide|choose|takes|like|say"]),
            p("^ whatever ,"),
            p("^ [oh|yeah|ha|haha|hah|pfft|right|sure] [,] as if").unless_after(&["that|this|it was|were|is not enough", "by"]),
            p("strikes|striking again"),
            p("^ [oh|well] [,] [what] a|big surprise|shock|shocker|coincidence ,"),
            p(", genius|einstein|sherlock $"),
            p("mr|mrs|ms|miss|saint @virtues"),
            p("thanks|thank [you] for nothing"),
            p("^ [oh] [,] how convenient|typical|predictable|touching|original|mature|shocking|surprising $"),
            p("so now you care|want|remember|notice|decide|feel"),
            p("^ [oh] [,] how convenient|typical|predictable ,"),
            p("nice|big|decent of you to finally|bother|grace"),
            p("^ oh [,] please $"),
            p("^ [oh] [,] poor you|baby|thing $"),
            p("^ [oh] [,] poor you|baby|thing ,"),
            p("did i hurt your [little|poor] feelings"),
            p("spare me"),
            p("^ congratulations|congrats|bravo|well ... ruined|destroyed|wrecked|broke|blew|screwed|managed"),
            p(", how convenient|typical|predictable|shocking|surprising|original|mature|unexpected $"),
            p("^ real|very|how|so mature|classy|original $"),
            p("^ [wow|well|oh] [,] you [really|truly] are something else"),
            p("playing|play|plays the victim|martyr").unless_before(&["i [was|am|have|keep|kept|had] [been]"]),
            p("^ listen to you|yourself ,"),
            p("^ [wow] [,] just wow $"),
            p("good luck finding|getting someone|anyone|another"),
            p("put up with you"),
            p("🙄|😒"),
            p("/s"),
        ],
        explanation: "Sarcasm and eye-rolls say “I don't take you seriously”, even when meant lightly, and there is no good way to answer them.",
        suggestion: "Say plainly what you mean with “I feel … about … and I need …”, for example: “I feel doubtful about the late meetings and I need you to tell me where you are.”",
    },
    Rule {
        id: "rhetorical-question",
        check: Check::Gentleness,
        category: Category::Contempt,
        patterns: &[
            p("do|did|are|were|would|will you even"),
            p("did you really|honestly|seriously think|believe|expect"),
            p("expect me to believe"),
            p("do|can you [even] hear yourself"),
            p("^ [just|now] [,] listen to yourself $"),
            p("who [else] would|could|can|will [ever|even|possibly] believe|trust|love|want|marry|respect|forgive|stand|date|fall|put|listen [*] [*] [*] [*] you|your")
                .unless_after(&["... is|was what i"]),
            p("who [else] would|could|will|can ... someone|anyone|somebody|anybody like you")
                .unless_inside(&["have|thought|guessed|knew|known|imagined"]),
            p("who even").unless_after(&["... is|was what i", "knew|knows|thought"]),
            p("who do you think you are"),
            p("who are you to"),
            p("how stupid|dumb|naive|gullible|blind do you think"),
            p("do you think i am [a|an] stupid|dumb|blind|naive|idiot|fool|gullible"),
            p("^ are you [even] kidding|joking me $"),
        ],
        explanation: "A question that is not really a question (“do you even…?”, “who would ever…?”) is heard as scorn, and there is no answer your partner can give to it.",
        suggestion: "Say the statement inside the question with “I feel … about … and I need …”, for example: “I feel unheard about last night and I need you to listen before you answer.”",
    },
    Rule {
        id: "denying-responsibility",
        check: Check::Gentleness,
        category: Category::Defensiveness,
        patterns: &[
            // "It's not my fault that I still feel anxious" is kindness to oneself, and
            // "it's not my fault you had an affair" puts the breach where it belongs.
            p("it|that|this is|was not my fault")
                .unless_before(REPORTED)
                .unless_after(&[
                    "that i [still] feel|felt|am|get",
                    "[that] you cheated|lied|strayed|slept|hid|broke|betrayed|left",
                    "[that] you had an|a affair",
                ]),
            p("none of this|it|that is|was my fault").unless_before(REPORTED),
            p("i did not do anything wrong").unless_before(REPORTED),
            p("i did nothing wrong").unless_before(REPORTED),
            p("i have not done anything wrong").unless_before(REPORTED),
            p("i have done nothing wrong").unless_before(REPORTED),
            p("i was only|just trying to"),
            p("i am not to blame"),
            p("do not blame me"),
            p("how is|was that|this|it my fault|problem|responsibility"),
            p("always|stop|keep blame|blaming me"),
            p("attacking|accusing me"),
            p("i am not a mind reader"),
            p("can not help it if"),
            p("twisting|twist|twisted my words|things|everything|it|this|what")
                .unless_before(&["i [have|had|was|kept|keep] [been]"]),
            p("^ i never said|did that $"),
            p("^ i did not say|do that $"),
            p("what more do|can you want|expect"),
            p("you are|were [just|totally|completely|clearly] exaggerating|overreacting|imagining|twisting|overthinking")
                .unless_after(&["how"]),
            p("words in my mouth"),
            p("do not put|pin|lay|blame this|it|that on me"),
            p("^ that|this is|was not fair , i"),
            p("i do|did [so] loads|plenty|everything|heaps|tons|lots [*] around|for"),
            p("assume|assuming|assumed|think|thinking|expect|expecting the worst"),
            p("can not|never win with you"),
            p("whatever|everything|nothing i do|did is|was [ever] [*] wrong|enough|right|good"),
            p("^ hey|look|listen|well [,] i [have] been|am|was [just|only] [really] trying|doing my [very] best"),
            p("that|this|it is|was not on me"),
            p("i [only|just] did what you asked|told|wanted|said"),
            p("make|making|made me [out] [to] [be] the bad|villain"),
            p("what was|am i supposed|meant to do|say"),
            p("how was|am i supposed|meant to know"),
            p("so [now] it is|was [all|somehow] my fault"),
            p("why is|does|must it|everything|this|that [always] [have] [to] [be] [always] my fault|me"),
            p("i [have] already told you"),
            p("i [have] already explained|answered|apologised|apologized"),
            p("i [have] already said i|it|this|that|sorry|so"),
            p("i am|was not the one who|that")
                .unless_after(&["... hurt|suffered|deserves|deserved|lost|cried|betrayed|needs|owes|has"]),
            p("^ do not look at me"),
            p("that is|was not true")
                .unless_before(REPORTED)
                .unless_after(&["anymore|now|any", "[,] you are|were not"]),
            p("that is|was not what happened").unless_before(REPORTED),
            p("that is|was not what i said|meant").unless_before(REPORTED),
            p("at least i [do|did|am|was|have|had|would|will|can] not|never")
                .unless_after(&["have|need to"]),
        ],
        explanation: "Saying none of it is yours tends to end the conversation, and your partner may hear that their concern does not count.",
        suggestion: "Look for a part you can own, then say what you need: “I can see my part in … .” and “I feel … about … and I need …”",
    },
    Rule {
        id: "yes-but",
        check: Check::Gentleness,
        category: Category::Defensiveness,
        // "Yes, but could we make it Saturday?" agrees and asks; it takes nothing back.
        patterns: &[p("yes|yeah|yep [,] but")
            .unless_after(&["also|only|could|can|would|maybe|perhaps|please|first|let"])],
        explanation: "“Yes, but” agrees and then takes the agreement back, so your partner may feel unheard.",
        suggestion: "Let the “yes” stand on its own first. Then add your side as a feeling, with “I feel … about … and I need …”",
    },
    Rule {
        id: "counter-complaint",
        check: Check::Gentleness,
        category: Category::Defensiveness,
        patterns: &[
            // "What about you?", "What about you, how was your day?" and "what about you
            // and me going away?" ask; "what about you and your phone?" answers back.
            p("what about you").unless_after(&[
                "$",
                ", how|do|are|did|have|would|can|could|will|is|any|anything",
                "and me|i|us",
                // A proposal: "what about you telling me one true thing each night?"
                "telling|coming|trying|joining|picking|choosing|writing|reading|starting|sharing|sitting|meeting|taking|doing|making|going|planning|booking|calling",
            ]),
            p("what about when|what you"),
            p("what about [all] the|those time|times|things you"),
            p("you do|did it|that|this too"),
            p("you started it|this|that|all"),
            p("you do|did the same"),
            p("you did|do|were|are|have not|never ... either $")
                .unless_inside(&["want|wanted|mean|meant|know|knew|deserve|deserved|ask|asked|choose|chose|blame|fault|wrong|alone"]),
            p("you are|were no better"),
            p("you are|were just as bad"),
            p("you are|were [*] any better"),
            p("you have been [*] any better"),
            p("you are|were the one who|that [*] [*] agreed|insisted|started|pushed|broke|lied|cheated|forgot|wanted|suggested|chose|asked|decided|said|told"),
            p("you are|were no saint|angel [either]"),
            p("i would|could not|never have ... if you'd").unless_after(&["not|never"]),
            p("i would|could not|never have ... if you had|did|were|just").unless_after(&["not|never"]),
            p("look who is talking"),
            p("you are one to talk"),
            p("you are|were not [exactly|so|that|completely] [a|an] perfect|innocent|blameless|saint|angel [either]"),
        ],
        explanation: "Answering a complaint with one of your own turns the talk into a contest over who is worse, and neither of you gets heard.",
        suggestion: "Respond to what your partner raised first. Bring up your own concern another time, gently: “I feel … about … and I need …”",
    },
];

// ---------------------------------------------------------------------------------------
// Reading text into sentences of tokens
// ---------------------------------------------------------------------------------------

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum TokenKind {
    Word,
    /// A comma or another pause inside a sentence; its text is ",".
    Pause,
    /// An emoji or a sarcasm marker such as "/s".
    Symbol,
}

#[derive(Debug, Clone, PartialEq, Eq)]
struct Token {
    /// Lowercase, apostrophes as `'`.
    norm: String,
    kind: TokenKind,
    /// Byte range in the original text. The parts of a spelled-out contraction share it.
    start: usize,
    end: usize,
}

fn is_apostrophe(c: char) -> bool {
    matches!(c, '\'' | '’' | '‘' | 'ʼ' | '`')
}

/// Characters that carry no meaning for the checks: quotes, joiners, emoji modifiers.
fn is_ignorable(c: char) -> bool {
    matches!(
        c,
        '“' | '”' | '„' | '«' | '»' | '¡' | '¿' | '\u{200D}' | '\u{FE0E}' | '\u{FE0F}'
    ) || ('\u{1F3FB}'..='\u{1F3FF}').contains(&c)
}

/// Spelled-out forms of contractions, so patterns need only one spelling. Forms without the
/// apostrophe are included where they are not also ordinary words ("its", "well", "were").
fn expand(word: &str) -> Option<&'static [&'static str]> {
    Some(match word {
        "i'm" | "im" => &["i", "am"],
        "u" => &["you"],
        "you're" | "youre" => &["you", "are"],
        "we're" => &["we", "are"],
        "they're" | "theyre" => &["they", "are"],
        "it's" => &["it", "is"],
        "that's" | "thats" => &["that", "is"],
        "what's" | "whats" => &["what", "is"],
        "there's" | "theres" => &["there", "is"],
        "who's" => &["who", "is"],
        "he's" => &["he", "is"],
        "she's" => &["she", "is"],
        "let's" | "lets" => &["let", "us"],
        "isn't" | "isnt" => &["is", "not"],
        "aren't" | "arent" => &["are", "not"],
        "wasn't" | "wasnt" => &["was", "not"],
        "weren't" | "werent" => &["were", "not"],
        "don't" | "dont" => &["do", "not"],
        "doesn't" | "doesnt" => &["does", "not"],
        "didn't" | "didnt" => &["did", "not"],
        "hasn't" | "hasnt" => &["has", "not"],
        "haven't" | "havent" => &["have", "not"],
        "hadn't" | "hadnt" => &["had", "not"],
        "won't" | "wont" => &["will", "not"],
        "wouldn't" | "wouldnt" => &["would", "not"],
        "shouldn't" | "shouldnt" => &["should", "not"],
        "couldn't" | "couldnt" => &["could", "not"],
        "mustn't" => &["must", "not"],
        "can't" | "cant" | "cannot" => &["can", "not"],
        "i've" | "ive" => &["i", "have"],
        "you've" | "youve" => &["you", "have"],
        "we've" => &["we", "have"],
        "they've" | "theyve" => &["they", "have"],
        "i'll" => &["i", "will"],
        "you'll" | "youll" => &["you", "will"],
        "we'll" => &["we", "will"],
        "it'll" => &["it", "will"],
        "that'll" => &["that", "will"],
        _ => return None,
    })
}

/// Splits `text` into sentences of tokens.
fn sentences(text: &str) -> Vec<Vec<Token>> {
    let chars: Vec<(usize, char)> = text.char_indices().collect();
    let at = |i: usize| chars.get(i).map(|&(_, c)| c);
    let end_of = |i: usize| chars[i].0 + chars[i].1.len_utf8();

    let mut all = Vec::new();
    let mut current: Vec<Token> = Vec::new();
    let mut end_sentence = |current: &mut Vec<Token>| {
        while current.last().is_some_and(|t| t.kind == TokenKind::Pause) {
            current.pop();
        }
        if !current.is_empty() {
            all.push(std::mem::take(current));
        }
    };
    let pause = |current: &mut Vec<Token>, start: usize, end: usize| {
        // A pause at the start of a sentence or after another pause adds nothing.
        if current.last().is_some_and(|t| t.kind != TokenKind::Pause) {
            current.push(Token {
                norm: ",".to_owned(),
                kind: TokenKind::Pause,
                start,
                end,
            });
        }
    };

    let mut i = 0;
    while i < chars.len() {
        let (start, c) = chars[i];
        if c.is_alphanumeric() {
            let mut word = String::new();
            let mut j = i;
            while let Some(d) = at(j) {
                if d.is_alphanumeric() {
                    word.extend(d.to_lowercase());
                } else if is_apostrophe(d) && at(j + 1).is_some_and(char::is_alphanumeric) {
                    word.push('\'');
                } else {
                    break;
                }
                j += 1;
            }
            let end = end_of(j - 1);
            match expand(&word) {
                Some(parts) => current.extend(parts.iter().map(|part| Token {
                    norm: (*part).to_owned(),
                    kind: TokenKind::Word,
                    start,
                    end,
                })),
                None => current.push(Token {
                    norm: word,
                    kind: TokenKind::Word,
                    start,
                    end,
                }),
            }
            i = j;
        } else if c == '.' {
            let mut j = i;
            while at(j) == Some('.') {
                j += 1;
            }
            let between_digits = j == i + 1
                && i > 0
                && at(i - 1).is_some_and(|d| d.is_ascii_digit())
                && at(j).is_some_and(|d| d.is_ascii_digit());
            if j - i >= 2 {
                pause(&mut current, start, end_of(j - 1));
            } else if !between_digits {
                end_sentence(&mut current);
            }
            i = j;
        } else if matches!(c, '!' | '?') {
            end_sentence(&mut current);
            i += 1;
        } else if c == '\n' {
            // A blank line ends a sentence; a single line break (hard-wrapped text, a
            // salutation) is only a pause.
            let mut j = i;
            let mut breaks = 0;
            while let Some(d) = at(j).filter(|d| d.is_whitespace()) {
                breaks += usize::from(d == '\n');
                j += 1;
            }
            if breaks >= 2 {
                end_sentence(&mut current);
            } else {
                pause(&mut current, start, end_of(i));
            }
            i = j;
        } else if matches!(c, ',' | ';' | ':' | '…' | '—' | '–' | '(' | ')') {
            pause(&mut current, start, end_of(i));
            i += 1;
        } else if c == '-' {
            let mut j = i;
            while at(j) == Some('-') {
                j += 1;
            }
            let spaced = (i == 0 || at(i - 1).is_some_and(char::is_whitespace))
                && at(j).is_none_or(char::is_whitespace);
            if j - i >= 2 || spaced {
                pause(&mut current, start, end_of(j - 1));
            }
            i = j;
        } else if c == '/'
            && at(i + 1).is_some_and(|s| s == 's' || s == 'S')
            && at(i + 2).is_none_or(|d| !d.is_alphanumeric())
            && (i == 0 || at(i - 1).is_some_and(|d| !d.is_alphanumeric()))
        {
            current.push(Token {
                norm: "/s".to_owned(),
                kind: TokenKind::Symbol,
                start,
                end: end_of(i + 1),
            });
            i += 2;
        } else if c.is_whitespace() || c.is_ascii() || is_apostrophe(c) || is_ignorable(c) {
            i += 1;
        } else if u32::from(c) >= 0x2190 {
            // Arrows, symbols, dingbats and emoji: each is a token of its own.
            current.push(Token {
                norm: c.to_string(),
                kind: TokenKind::Symbol,
                start,
                end: end_of(i),
            });
            i += 1;
        } else {
            i += 1;
        }
    }
    end_sentence(&mut current);
    all
}

// ---------------------------------------------------------------------------------------
// Compiling and matching patterns
// ---------------------------------------------------------------------------------------

#[derive(Debug)]
enum SlotKind {
    Start,
    End,
    Gap,
    AnyWord,
    Words {
        words: Vec<&'static str>,
        negated: bool,
    },
}

#[derive(Debug)]
struct Slot {
    kind: SlotKind,
    optional: bool,
}

type Seq = Vec<Slot>;

struct CompiledPattern {
    seq: Seq,
    unless_before: Vec<Seq>,
    unless_after: Vec<Seq>,
    unless_inside: Vec<Seq>,
}

impl CompiledPattern {
    fn of(pattern: &Pattern) -> Self {
        CompiledPattern {
            seq: compile(pattern.phrase),
            unless_before: pattern.unless_before.iter().map(|s| compile(s)).collect(),
            unless_after: pattern.unless_after.iter().map(|s| compile(s)).collect(),
            unless_inside: pattern.unless_inside.iter().map(|s| compile(s)).collect(),
        }
    }
}

/// Patterns compiled once, for a detector outside this table (see [`Pattern`]). Text is
/// read exactly as the checks read it.
pub(crate) struct Phrases(Vec<CompiledPattern>);

impl Phrases {
    /// Panics on a malformed pattern: the lists are static, and a test compiles each.
    pub(crate) fn compile(patterns: &[Pattern]) -> Self {
        Phrases(patterns.iter().map(CompiledPattern::of).collect())
    }

    /// Every match in `text`, as byte ranges from the first matched word to the last.
    pub(crate) fn find(&self, text: &str) -> Vec<(usize, usize)> {
        matches(&self.0, &sentences(text))
    }
}

struct CompiledRule {
    rule: &'static Rule,
    patterns: Vec<CompiledPattern>,
}

fn compiled() -> &'static [CompiledRule] {
    static COMPILED: OnceLock<Vec<CompiledRule>> = OnceLock::new();
    COMPILED.get_or_init(|| {
        RULES
            .iter()
            .map(|rule| CompiledRule {
                rule,
                patterns: rule
                    .patterns
                    .iter()
                    .map(|pattern| {
                        let mut compiled = CompiledPattern::of(pattern);
                        compiled
                            .unless_after
                            .extend(QUOTED.iter().map(|q| compile(q)));
                        compiled
                            .unless_before
                            .extend(QUOTING.iter().map(|q| compile(q)));
                        compiled
                    })
                    .collect(),
            })
            .collect()
    })
}

fn list(name: &str) -> &'static [&'static str] {
    LISTS
        .iter()
        .find(|(n, _)| *n == name)
        .map(|(_, words)| *words)
        .unwrap_or_else(|| panic!("checks table: unknown word list @{name}"))
}

/// Turns a phrase of the pattern language into slots. The table is static, so a malformed
/// phrase is a programming error, caught by the tests.
fn compile(phrase: &'static str) -> Seq {
    phrase
        .split_whitespace()
        .map(|raw| {
            let (optional, body) = match raw.strip_prefix('[').and_then(|r| r.strip_suffix(']')) {
                Some(inner) => (true, inner),
                None => (false, raw),
            };
            let kind = match body {
                "^" => SlotKind::Start,
                "$" => SlotKind::End,
                "..." => SlotKind::Gap,
                "*" => SlotKind::AnyWord,
                _ => {
                    let (negated, alternatives) = match body.strip_prefix('!') {
                        Some(rest) => (true, rest),
                        None => (false, body),
                    };
                    let mut words = Vec::new();
                    for alternative in alternatives.split('|') {
                        match alternative.strip_prefix('@') {
                            Some(name) => words.extend_from_slice(list(name)),
                            None => words.push(alternative),
                        }
                    }
                    assert!(
                        words.iter().all(|w| !w.is_empty()),
                        "checks table: empty alternative in {phrase:?}"
                    );
                    SlotKind::Words { words, negated }
                }
            };
            assert!(
                !(optional && matches!(kind, SlotKind::Start | SlotKind::End | SlotKind::Gap)),
                "checks table: anchors and gaps cannot be optional in {phrase:?}"
            );
            Slot { kind, optional }
        })
        .collect()
}

impl Slot {
    fn accepts(&self, token: &Token) -> bool {
        match &self.kind {
            SlotKind::AnyWord => token.kind == TokenKind::Word,
            SlotKind::Words { words, negated } => {
                let listed = words.contains(&token.norm.as_str());
                if *negated {
                    token.kind == TokenKind::Word && !listed
                } else {
                    listed
                }
            }
            SlotKind::Start | SlotKind::End | SlotKind::Gap => false,
        }
    }
}

/// Pushes onto `out` every position where `seq`, started at `pos`, can end.
fn ends(seq: &[Slot], tokens: &[Token], pos: usize, out: &mut Vec<usize>) {
    let Some((slot, rest)) = seq.split_first() else {
        out.push(pos);
        return;
    };
    if slot.optional {
        ends(rest, tokens, pos, out);
    }
    match slot.kind {
        SlotKind::Start => {
            if pos == 0 {
                ends(rest, tokens, pos, out);
            }
        }
        SlotKind::End => {
            if pos == tokens.len() {
                ends(rest, tokens, pos, out);
            }
        }
        SlotKind::Gap => {
            for next in pos..=tokens.len().min(pos + MAX_GAP) {
                ends(rest, tokens, next, out);
            }
        }
        SlotKind::AnyWord | SlotKind::Words { .. } => {
            if tokens.get(pos).is_some_and(|t| slot.accepts(t)) {
                ends(rest, tokens, pos + 1, out);
            }
        }
    }
}

/// True when `seq` can match a stretch that ends exactly at `at`.
fn ends_at(seq: &[Slot], tokens: &[Token], at: usize) -> bool {
    // A stretch further back than this could only be reached through a gap.
    let earliest = at.saturating_sub(MAX_GAP + seq.len());
    (earliest..=at).any(|from| {
        let mut out = Vec::new();
        ends(seq, tokens, from, &mut out);
        out.contains(&at)
    })
}

fn starts_at(seq: &[Slot], tokens: &[Token], at: usize) -> bool {
    let mut out = Vec::new();
    ends(seq, tokens, at, &mut out);
    !out.is_empty()
}

fn within(seq: &[Slot], tokens: &[Token], start: usize, end: usize) -> bool {
    let inside = &tokens[..end];
    (start..end).any(|from| {
        let mut out = Vec::new();
        ends(seq, inside, from, &mut out);
        out.iter().any(|&e| e > from)
    })
}

/// The shortest match of `pattern` starting at `start` that no exception cancels.
fn match_at(pattern: &CompiledPattern, tokens: &[Token], start: usize) -> Option<usize> {
    let mut candidates = Vec::new();
    ends(&pattern.seq, tokens, start, &mut candidates);
    candidates.retain(|&end| end > start);
    if candidates.is_empty()
        || pattern
            .unless_before
            .iter()
            .any(|s| ends_at(s, tokens, start))
    {
        return None;
    }
    candidates.sort_unstable();
    candidates.dedup();
    candidates.into_iter().find(|&end| {
        !pattern
            .unless_after
            .iter()
            .any(|s| starts_at(s, tokens, end))
            && !pattern
                .unless_inside
                .iter()
                .any(|s| within(s, tokens, start, end))
    })
}

/// Every match of the rule's patterns, as byte ranges of the text from the first word to the
/// last. After a match, the search goes on from the token after it, so matches of one rule
/// never overlap.
fn matches(patterns: &[CompiledPattern], sentences: &[Vec<Token>]) -> Vec<(usize, usize)> {
    let mut found = Vec::new();
    for tokens in sentences {
        let mut start = 0;
        while start < tokens.len() {
            let hit = patterns.iter().find_map(|pattern| {
                let end = match_at(pattern, tokens, start)?;
                let mut content = tokens[start..end]
                    .iter()
                    .filter(|t| t.kind != TokenKind::Pause);
                let first = content.next()?;
                let last = content.next_back().unwrap_or(first);
                Some((end, first.start, last.end))
            });
            match hit {
                Some((end, from, to)) => {
                    found.push((from, to));
                    start = end.max(start + 1);
                }
                None => start += 1,
            }
        }
    }
    found
}

#[cfg(test)]
mod tests {
    use super::*;

    use Check::{Accountability as A, Gentleness as G};

    /// The gentle start-up every gentleness suggestion points to.
    const GENTLE_START_UP: &str = "I feel … about … and I need …";

    fn rules_hit(kind: Check, text: &str) -> Vec<&'static str> {
        check(kind, text).into_iter().map(|f| f.rule).collect()
    }

    fn category_of(rule: &str) -> Category {
        RULES
            .iter()
            .find(|r| r.id == rule)
            .map(|r| r.category)
            .expect("known rule")
    }

    /// Wording each check should flag, with the rule expected to flag it.
    const POSITIVES: &[(Check, &str, &str)] = &[
        // conditional apology
        (A, "I'm sorry if I hurt you.", "conditional-apology"),
        (A, "I'm sorry you feel that way.", "conditional-apology"),
        (
            A,
            "I am sorry that you feel betrayed by what happened.",
            "conditional-apology",
        ),
        (
            A,
            "I apologize if anything I did upset you.",
            "conditional-apology",
        ),
        (A, "If I hurt you, I regret it.", "conditional-apology"),
        (
            A,
            "My apologies if it came across badly.",
            "conditional-apology",
        ),
        (
            A,
            "To whatever extent I hurt you, I apologise.",
            "conditional-apology",
        ),
        // "but" after an apology
        (
            A,
            "I'm sorry, but I was under a lot of stress.",
            "but-after-apology",
        ),
        (
            A,
            "I apologize but you have to see my side too.",
            "but-after-apology",
        ),
        (A, "Sorry… but nobody is perfect.", "but-after-apology"),
        (
            A,
            "I am truly sorry for lying; however, you weren't honest with me either.",
            "but-after-apology",
        ),
        (
            A,
            "I'm so sorry for everything, but I was lonely.",
            "but-after-apology",
        ),
        (
            A,
            "I feel terrible about it, but you were never home.",
            "but-after-apology",
        ),
        // excuses
        (A, "I was drunk, so it wasn't really me.", "excuse"),
        (A, "I was under so much stress.", "excuse"),
        (A, "The pressure at work got to me.", "excuse"),
        (A, "It just happened.", "disowning-the-choice"),
        (A, "I don't know what came over me.", "disowning-the-choice"),
        // blaming the other
        (
            A,
            "Honestly, what did you expect after how you treated me?",
            "blaming-the-other",
        ),
        (
            A,
            "You were never there when I needed you.",
            "blaming-the-other",
        ),
        (
            A,
            "You made me feel like I had no choice.",
            "blaming-the-other",
        ),
        (
            A,
            "If you hadn't shut me out, none of this would have happened.",
            "blaming-the-other",
        ),
        (
            A,
            "I only did it because you stopped paying attention to me.",
            "blaming-the-other",
        ),
        (A, "You drove me to it.", "blaming-the-other"),
        (A, "You pushed me away for months.", "blaming-the-other"),
        (A, "Part of this is your fault.", "blaming-the-other"),
        (
            A,
            "It takes two, and it wasn't all my fault.",
            "blaming-the-other",
        ),
        // minimizing
        (A, "It was only a few messages.", "minimizing"),
        (A, "It's just texting, it's not a big deal.", "minimizing"),
        (A, "Honestly, it was not a big deal.", "minimizing"),
        (A, "It was not such a big deal, was it?", "minimizing"),
        (A, "Everyone does it these days.", "minimizing"),
        (A, "Nothing happened between us.", "minimizing"),
        (A, "It didn't mean anything to me.", "minimizing"),
        (
            A,
            "It's not that bad when you think about it.",
            "minimizing",
        ),
        (A, "It was a harmless crush.", "minimizing"),
        (A, "Mistakes were made.", "passive-voice"),
        (A, "Things went too far one night.", "passive-voice"),
        // demands
        (
            A,
            "Can we stop talking about it now?",
            "pressure-to-move-on",
        ),
        (
            A,
            "It's in the past, so can we not do this again?",
            "pressure-to-move-on",
        ),
        (A, "You need to trust me again.", "pressure-to-forgive"),
        (A, "You need to get over it.", "pressure-to-move-on"),
        (
            A,
            "We have to move on at some point.",
            "pressure-to-move-on",
        ),
        (
            A,
            "Please stop bringing it up every night.",
            "pressure-to-move-on",
        ),
        (A, "Can't you just let it go?", "pressure-to-move-on"),
        (A, "It's time to put this behind us.", "pressure-to-move-on"),
        (A, "You should forgive me by now.", "pressure-to-forgive"),
        (
            A,
            "You need to forgive me so we can be normal again.",
            "pressure-to-forgive",
        ),
        (A, "You should be over this by now.", "pressure-to-forgive"),
        // dismissing feelings
        (A, "Please just calm down", "dismissing-feelings"),
        (A, "You're overreacting.", "dismissing-feelings"),
        (A, "You're being dramatic.", "dismissing-feelings"),
        (A, "You're way too sensitive.", "dismissing-feelings"),
        // criticism
        (G, "You're so full of yourself.", "character-attack"),
        (G, "You always put your phone before me.", "always-never"),
        (G, "You never listen to me.", "always-never"),
        (G, "You're always late.", "always-never"),
        (G, "Why do you always do this?", "always-never"),
        (G, "u never listen", "always-never"),
        (G, "You are so selfish.", "character-attack"),
        (G, "You're lazy and you know it.", "character-attack"),
        (G, "What is wrong with you?", "character-attack"),
        (G, "What's wrong with you?", "character-attack"),
        (G, "You're such a child about this.", "character-attack"),
        (G, "Why are you so lazy?", "character-attack"),
        (G, "What kind of person does that?", "character-attack"),
        // contempt
        (G, "You liar.", "name-calling"),
        (G, "You're pathetic.", "name-calling"),
        (G, "What an idiot.", "name-calling"),
        (G, "You are nothing but a loser.", "name-calling"),
        (G, "Spare me your stupid excuses.", "name-calling"),
        (G, "Yeah right, you were at work.", "mockery"),
        (G, "Oh sure, like I believe that.", "mockery"),
        (G, "Whatever.", "mockery"),
        (G, "Great job with the dishes 🙄", "mockery"),
        (G, "Thanks for the help /s", "mockery"),
        (G, "As if you care.", "mockery"),
        (G, "selfish liar", "name-calling"),
        (G, "What a joke.", "name-calling"),
        (G, "Do you even hear yourself?", "rhetorical-question"),
        (G, "Who would ever trust you again?", "rhetorical-question"),
        // defensiveness
        (G, "How is that my fault?", "denying-responsibility"),
        (
            G,
            "It's not my fault you feel that way.",
            "denying-responsibility",
        ),
        (G, "It isn't my fault.", "denying-responsibility"),
        (G, "I didn't do anything wrong.", "denying-responsibility"),
        (G, "I was just trying to help.", "denying-responsibility"),
        (G, "Yes, but you started it.", "yes-but"),
        (G, "Yeah but I was tired.", "yes-but"),
        (G, "What about you and your phone?", "counter-complaint"),
        (G, "You do it too.", "counter-complaint"),
        (
            G,
            "What about the time you forgot my birthday?",
            "counter-complaint",
        ),
        (G, "Look who's talking.", "counter-complaint"),
    ];

    /// Wording that should be flagged but is not: the limits of a phrase table, kept here
    /// so the measured detection rate is honest. Move a row to POSITIVES if it starts
    /// being caught.
    const KNOWN_MISSES: &[(Check, &str, &str)] = &[
        (G, "Good for you, I guess.", "mockery"),
        // Sarcasm that reads, word for word, like praise.
        (
            G,
            "What a wonderful husband you turned out to be.",
            "mockery",
        ),
        // A deadline makes a plea into an ultimatum; the table has no notion of "by …".
        (
            A,
            "If you can't forgive me by the summer, I'm leaving.",
            "pressure-to-forgive",
        ),
        (A, "It was over before it started.", "minimizing"),
        (
            G,
            "If you hadn't gone through my phone, we wouldn't be fighting.",
            "counter-complaint",
        ),
    ];

    /// Wording each check must leave alone.
    const NEGATIVES: &[(Check, &str)] = &[
        (A, "I never want to hurt you again."),
        (A, "You were right."),
        (A, "I always want to be honest with you from now on."),
        (A, "I'm sorry. I lied to you and that was wrong."),
        (A, "I will never do that again."),
        (A, "I need us to move on to the next step slowly."),
        (A, "But I want to say thank you."),
        (A, "I was the one who made the choice, not you."),
        (A, "It was not because you did anything wrong."),
        (A, "None of this is your fault."),
        (
            A,
            "I'm telling you everything because you deserve the truth.",
        ),
        (A, "I won't pretend nothing happened."),
        (A, "If you'd like, we can talk about it again tomorrow."),
        (A, "I let it go too far, and that is on me."),
        (
            A,
            "I don't expect you to get over it, and I won't ask you to.",
        ),
        (A, "We can move onto the money questions after dinner."),
        (A, "I'm sorry I broke the button on your coat."),
        (
            A,
            "I'm sorry not only for the affair but for every lie that came with it.",
        ),
        (A, "I'm sorry. If you need space tonight, I understand."),
        (A, "It's only fair that you know everything."),
        (A, "I know that if I hurt you again, I could lose you."),
        (
            A,
            "I would have done it even if you had been the perfect partner.",
        ),
        (A, "I understand why you can't just let it go."),
        (A, "I'm sorry, however long this takes to heal."),
        (A, "I'm sorry, and however you feel about it is okay."),
        (G, "You never deserved this."),
        (G, "I never want to hurt you again."),
        (G, "I always want to be honest with you from now on."),
        (G, "You were right."),
        (G, "I'm sorry. I lied to you and that was wrong."),
        (G, "I'll love you always."),
        (G, "I hope you never feel this alone again."),
        (G, "Whatever you decide, I will respect it."),
        (G, "I felt as if I didn't matter."),
        (G, "What about you? How are you feeling?"),
        (G, "It's not your fault."),
        (G, "I was so stupid to think I could hide it."),
        (G, "You're such a good listener."),
        (G, "Yeah, right now I just need some space."),
        (G, "I'm not saying it's not my fault."),
        (G, "You are not selfish for needing time."),
        (
            G,
            "I feel lonely about our evenings and I need us to eat together.",
        ),
        (G, "You always make me laugh."),
        (G, "Have you always felt this way?"),
        (G, "I never called you stupid, and I never will."),
        (G, "You were never the problem."),
        (G, "Are you always this kind?"),
        (G, "You never give up on us."),
        (G, "You are always in my thoughts."),
        (
            G,
            "I was so angry that I said you were a liar, and I regret it.",
        ),
        (G, "As if that wasn't enough, the car broke down."),
        (G, "What about you, how was your day?"),
        (G, "Yes, but only if you want to."),
        (
            G,
            "It's not my fault that I still feel anxious, and it's not yours either.",
        ),
        // A circumstance named and set aside, or a time rather than a reason.
        (A, "I was tired, and that doesn't excuse any of it."),
        (
            A,
            "I was lonely, and I chose to lie instead of telling you.",
        ),
        (
            A,
            "I told myself I was stressed, but the truth is I wanted the attention.",
        ),
        (
            A,
            "When I was drunk I said things to her I'd never say to you.",
        ),
        (A, "I snapped at you last night, and I'm sorry."),
        // The writer owning the words that dismissed, or speaking of themself.
        (A, "I made you feel like you were crazy for asking."),
        (A, "I'll stop talking and listen now."),
        (A, "Once things settle down at work, I'll take Fridays off."),
        (A, "It wasn't a small thing. It was two years of lying."),
        (A, "I know you never wanted any of this."),
        (A, "You never knew, and that was the worst part of my lie."),
        (A, "It hasn't been long enough, and I know it."),
        (
            G,
            "You never once complained about driving me to the hospital.",
        ),
        (
            G,
            "Who would have guessed we'd be planting tomatoes together?",
        ),
        (G, "It's not my fault you cheated, and I won't carry it."),
        (G, "Yes, but let's talk about it on Saturday."),
        (G, "What about you and me going for a walk tonight?"),
        (
            G,
            "I used to think you were a liar, and now I'm starting to trust you again.",
        ),
        (G, "That's not true anymore: you answer my calls now."),
        (G, "Oh sure, I'd love to go for a walk tonight."),
    ];

    /// Wording that is flagged but should not be, kept for the same honesty as KNOWN_MISSES.
    const KNOWN_FALSE_POSITIVES: &[(Check, &str)] = &[
        (
            A,
            "I'm sorry, and I know it will take time, but I'm not going anywhere.",
        ),
        (G, "You always make me feel safe when you hold me."),
    ];

    fn detected(&(kind, text, rule): &(Check, &str, &str)) -> bool {
        rules_hit(kind, text).contains(&rule)
    }

    fn flagged(&(kind, text): &(Check, &str)) -> bool {
        !check(kind, text).is_empty()
    }

    #[test]
    fn every_positive_is_flagged_by_its_rule() {
        for case in POSITIVES {
            // Given wording the rule is written for, when checked, then the rule flags it.
            let (kind, text, rule) = *case;
            assert!(
                detected(case),
                "{kind:?} should flag {text:?} with {rule}; got {:?}",
                rules_hit(kind, text)
            );
        }
    }

    #[test]
    fn positives_cover_every_category_at_least_three_times() {
        for category in CATEGORIES {
            let n = POSITIVES
                .iter()
                .filter(|(_, _, rule)| category_of(rule) == category)
                .count();
            assert!(n >= 3, "{category:?} has only {n} positives");
        }
    }

    #[test]
    fn no_negative_is_flagged() {
        for case in NEGATIVES {
            // Given wording that is fine, when checked, then nothing is flagged.
            let (kind, text) = *case;
            assert!(
                !flagged(case),
                "{kind:?} should not flag {text:?}; got {:?}",
                check(kind, text)
            );
        }
    }

    #[test]
    fn known_limits_are_still_what_they_were() {
        for case in KNOWN_MISSES {
            assert!(
                !detected(case),
                "{case:?} is caught now: move it to POSITIVES"
            );
        }
        for case in KNOWN_FALSE_POSITIVES {
            assert!(
                flagged(case),
                "{case:?} is no longer flagged: move it to NEGATIVES"
            );
        }
    }

    #[test]
    fn detection_and_false_positive_rates_are_as_measured() {
        // Given every positive (known misses included) and every negative (known false
        // positives included), when checked, then the counts are exactly these.
        let positives = POSITIVES.len() + KNOWN_MISSES.len();
        let caught = POSITIVES
            .iter()
            .chain(KNOWN_MISSES)
            .filter(|c| detected(c))
            .count();
        let negatives = NEGATIVES.len() + KNOWN_FALSE_POSITIVES.len();
        let false_positives = NEGATIVES
            .iter()
            .chain(KNOWN_FALSE_POSITIVES)
            .filter(|c| flagged(c))
            .count();
        eprintln!(
            "checks: detected {caught} of {positives} ({:.1}%), false positives {false_positives} of {negatives} ({:.1}%)",
            100.0 * caught as f64 / positives as f64,
            100.0 * false_positives as f64 / negatives as f64,
        );
        assert_eq!((caught, positives), (92, 97));
        assert_eq!((false_positives, negatives), (2, 76));
    }

    #[test]
    fn matching_ignores_case() {
        // Given shouting, when checked, then it is read like any other text.
        let flags = check(A, "I'M SORRY IF I HURT YOU");
        assert_eq!(flags.len(), 1);
        assert_eq!(flags[0].rule, "conditional-apology");
        assert_eq!(flags[0].excerpt, "I'M SORRY IF");
    }

    #[test]
    fn curly_apostrophes_read_like_straight_ones() {
        assert_eq!(rules_hit(G, "You’re so selfish."), ["character-attack"]);
        assert_eq!(
            rules_hit(G, "It isn’t my fault."),
            ["denying-responsibility"]
        );
        assert_eq!(
            rules_hit(A, "I’m sorry, but I was scared."),
            ["but-after-apology"]
        );
        assert_eq!(rules_hit(A, "It didn‘t mean anything."), ["minimizing"]);
        assert_eq!(
            check(A, "I’m sorry, but I was scared.")[0].excerpt,
            "I’m sorry, but"
        );
    }

    #[test]
    fn every_place_a_rule_matches_is_flagged_where_it_stands() {
        // Given the same wording three times, when checked, then each is a flag of its own,
        // pointing at the words as written.
        let text = "You never call. you NEVER listen. You never ask.";
        let flags = check(G, text);
        let excerpts: Vec<_> = flags.iter().map(|f| f.excerpt.as_str()).collect();
        assert_eq!(excerpts, ["You never", "you NEVER", "You never"]);
        assert!(flags.iter().all(|f| f.rule == "always-never"));
        let places: Vec<_> = flags.iter().map(|f| &text[f.start..f.end]).collect();
        assert_eq!(places, ["You never", "you NEVER", "You never"]);
        assert_eq!(flags[1].start, text.find("you NEVER").unwrap_or(usize::MAX));
    }

    #[test]
    fn the_excerpt_keeps_the_original_casing_and_collapses_whitespace() {
        let flags = check(G, "Honestly?   You \t ARE So   Selfish!");
        assert_eq!(flags.len(), 1);
        assert_eq!(flags[0].excerpt, "You ARE So Selfish");
    }

    #[test]
    fn flags_come_in_order_of_first_appearance() {
        // Given three kinds of wording, when checked, then flags follow the text, not the table.
        let flags = check(G, "Whatever. You're so selfish. You never listen.");
        let rules: Vec<_> = flags.iter().map(|f| f.rule).collect();
        assert_eq!(rules, ["mockery", "character-attack", "always-never"]);
        assert_eq!(flags[0].category, Category::Contempt);
        assert_eq!(flags[1].category.label(), "Criticism");
    }

    #[test]
    fn words_match_whole_words_only() {
        assert!(check(A, "I'm sorry I lost the button.").is_empty());
        assert!(check(A, "We can move onto the next thing.").is_empty());
        assert_eq!(
            rules_hit(A, "We should just move on."),
            ["pressure-to-move-on"]
        );
        assert!(check(G, "Yourself always comes first for you.").is_empty());
    }

    #[test]
    fn but_counts_only_after_an_apology_in_the_same_sentence() {
        assert!(check(A, "But I want to say thank you.").is_empty());
        assert!(check(A, "I'm sorry. But I want to say thank you.").is_empty());
        assert!(check(A, "But I'm sorry.").is_empty());
        let flags = check(
            A,
            "I'm sorry for the lies and for hiding the money, but I was scared.",
        );
        assert_eq!(
            flags[0].excerpt,
            "I'm sorry for the lies and for hiding the money, but"
        );
    }

    #[test]
    fn a_line_break_is_a_pause_and_a_blank_line_ends_a_sentence() {
        // Given hard-wrapped text, when checked, then the wrapped sentence is still one.
        assert_eq!(
            rules_hit(A, "I'm sorry for all of it,\nbut I was scared."),
            ["but-after-apology"]
        );
        // Given paragraphs, when checked, then a "but" in the next one is not linked.
        assert!(check(A, "I'm sorry for all of it\n\nBut I want to say thank you").is_empty());
        // Given a line per thought, when checked, then words do not run across lines.
        assert!(check(A, "I'm sorry\nIf you need space, tell me").is_empty());
    }

    #[test]
    fn each_check_runs_only_its_own_rules() {
        assert!(check(G, "I'm sorry if I hurt you, but you made me do it.").is_empty());
        assert!(check(A, "Whatever, you idiot.").is_empty());
        assert_eq!(
            rules_hit(A, "I'm sorry if I hurt you, but you made me do it."),
            [
                "conditional-apology",
                "but-after-apology",
                "blaming-the-other"
            ]
        );
    }

    #[test]
    fn empty_and_punctuation_only_text_has_no_flags() {
        assert!(check(A, "").is_empty());
        assert!(check(G, " … !? , — ").is_empty());
    }

    #[test]
    fn contractions_and_pauses_are_read_as_described() {
        let words = |text: &str| -> Vec<Vec<String>> {
            sentences(text)
                .into_iter()
                .map(|s| s.into_iter().map(|t| t.norm).collect())
                .collect()
        };
        assert_eq!(
            words("I’m SORRY… it isn't 3.5 -- no /s. Next! 🙄"),
            [
                vec![
                    "i", "am", "sorry", ",", "it", "is", "not", "3", "5", ",", "no", "/s"
                ],
                vec!["next"],
                vec!["🙄"],
            ]
        );
    }

    #[test]
    fn the_table_is_well_formed() {
        let mut ids: Vec<_> = RULES.iter().map(|r| r.id).collect();
        ids.sort_unstable();
        ids.dedup();
        assert_eq!(ids.len(), RULES.len(), "rule ids are unique");
        for rule in RULES {
            assert!(!rule.patterns.is_empty(), "{} has patterns", rule.id);
            assert!(!rule.explanation.is_empty() && !rule.suggestion.is_empty());
            if rule.check == Check::Gentleness {
                assert!(
                    rule.suggestion.contains(GENTLE_START_UP),
                    "{} points to the gentle start-up",
                    rule.id
                );
            }
            for pattern in rule.patterns {
                let seq = compile(pattern.phrase);
                assert!(
                    seq.iter().any(|s| !s.optional
                        && matches!(s.kind, SlotKind::AnyWord | SlotKind::Words { .. })),
                    "{:?} needs at least one required word",
                    pattern.phrase
                );
                let exceptions = pattern
                    .unless_before
                    .iter()
                    .chain(pattern.unless_after)
                    .chain(pattern.unless_inside);
                for phrase in std::iter::once(&pattern.phrase).chain(exceptions) {
                    let seq = compile(phrase);
                    for slot in &seq {
                        if let SlotKind::Words { words, .. } = &slot.kind {
                            for word in words.iter().filter(|w| **w != ",") {
                                // A word the reader would spell differently can never match.
                                let read: Vec<String> = sentences(word)
                                    .concat()
                                    .into_iter()
                                    .map(|t| t.norm)
                                    .collect();
                                assert_eq!(
                                    read,
                                    [*word],
                                    "{word:?} in {phrase:?} is not in read form"
                                );
                            }
                        }
                    }
                }
            }
        }
    }

    #[test]
    fn both_checks_have_rules_for_every_category_they_promise() {
        let of = |kind: Check| -> Vec<Category> {
            RULES
                .iter()
                .filter(|r| r.check == kind)
                .map(|r| r.category)
                .collect()
        };
        for c in CATEGORIES {
            let (key, kind) = corpus_key(c);
            assert!(of(kind).contains(&c), "{kind:?} has no rule for {key}");
        }
    }

    // ---- the corpus in checks_corpus/ ---------------------------------------------------

    /// Every category, in the order figures are printed.
    const CATEGORIES: [Category; 10] = [
        Category::ConditionalApology,
        Category::ButAfterApology,
        Category::Excuse,
        Category::Blame,
        Category::Minimizing,
        Category::Demand,
        Category::Dismissing,
        Category::Criticism,
        Category::Contempt,
        Category::Defensiveness,
    ];

    /// A category's key in the corpus files, and the check it belongs to. The match is
    /// exhaustive, so a new category cannot be left out of the corpus test.
    fn corpus_key(category: Category) -> (&'static str, Check) {
        match category {
            Category::ConditionalApology => ("conditional-apology", A),
            Category::ButAfterApology => ("but-after-apology", A),
            Category::Excuse => ("excuse", A),
            Category::Blame => ("blame", A),
            Category::Minimizing => ("minimizing", A),
            Category::Demand => ("demand", A),
            Category::Dismissing => ("dismissing", A),
            Category::Criticism => ("criticism", G),
            Category::Contempt => ("contempt", G),
            Category::Defensiveness => ("defensiveness", G),
        }
    }

    const TUNING: &str = include_str!("checks_corpus/tuning.tsv");
    const TUNING_2: &str = include_str!("checks_corpus/tuning_2.tsv");
    const HELD_BACK: &str = include_str!("checks_corpus/held_back.tsv");

    /// One row of the corpus: `expected` is `None` for wording that should not be flagged.
    struct Row {
        line: usize,
        kind: Check,
        expected: Option<Category>,
        text: &'static str,
    }

    /// Reads one half of the corpus. A malformed row panics naming only its line, so that
    /// no held-back row is ever shown while rules are being tuned.
    fn corpus(half: &str, source: &'static str) -> Vec<Row> {
        let mut rows = Vec::new();
        for (index, line) in source.lines().enumerate() {
            let line_no = index + 1;
            if line.trim().is_empty() || line.starts_with('#') {
                continue;
            }
            let fields: Vec<&str> = line.split('\t').collect();
            let [kind, expected, text] = fields[..] else {
                panic!("{half} line {line_no}: not three tab-separated fields");
            };
            let kind = match kind {
                "A" => A,
                "G" => G,
                _ => panic!("{half} line {line_no}: unknown check"),
            };
            let expected = match expected {
                "none" => None,
                key => {
                    let category = CATEGORIES
                        .into_iter()
                        .find(|c| corpus_key(*c).0 == key)
                        .unwrap_or_else(|| panic!("{half} line {line_no}: unknown key"));
                    assert_eq!(
                        corpus_key(category).1,
                        kind,
                        "{half} line {line_no}: the key belongs to the other check"
                    );
                    Some(category)
                }
            };
            assert!(!text.trim().is_empty(), "{half} line {line_no}: empty text");
            rows.push(Row {
                line: line_no,
                kind,
                expected,
                text,
            });
        }
        rows
    }

    /// What one half of the corpus measures: per category `(caught, problems, false
    /// positives, negatives)`, where a false positive of a category is a `none` row of its
    /// check with a flag of that category.
    struct Measured {
        per_category: Vec<(Category, [usize; 4])>,
        caught: usize,
        problems: usize,
        false_positives: usize,
        negatives: usize,
    }

    /// Runs each row's check; a problem row is caught when a flag of its category is raised,
    /// a `none` row is a false positive when any flag is. `show` lists every miss and false
    /// positive (only ever for the tuning files).
    fn measure(half: &str, rows: &[Row], show: bool) -> Measured {
        let mut per_category: Vec<(Category, [usize; 4])> =
            CATEGORIES.iter().map(|c| (*c, [0; 4])).collect();
        let (mut caught, mut problems, mut false_positives, mut negatives) = (0, 0, 0, 0);
        let mut listed = Vec::new();
        for row in rows {
            let flags = check(row.kind, row.text);
            let raised = |c: Category| flags.iter().any(|f| f.category == c);
            let described = || {
                flags
                    .iter()
                    .map(|f| format!("{} “{}”", f.rule, f.excerpt))
                    .collect::<Vec<_>>()
                    .join(", ")
            };
            match row.expected {
                Some(expected) => {
                    problems += 1;
                    let hit = raised(expected);
                    caught += usize::from(hit);
                    for (c, counts) in &mut per_category {
                        if *c == expected {
                            counts[0] += usize::from(hit);
                            counts[1] += 1;
                        }
                    }
                    if !hit {
                        listed.push(format!(
                            "  missed {:<20} line {:>3}: {:?} [{}]",
                            corpus_key(expected).0,
                            row.line,
                            row.text,
                            described()
                        ));
                    }
                }
                None => {
                    negatives += 1;
                    false_positives += usize::from(!flags.is_empty());
                    for (c, counts) in &mut per_category {
                        if corpus_key(*c).1 == row.kind {
                            counts[2] += usize::from(raised(*c));
                            counts[3] += 1;
                        }
                    }
                    if !flags.is_empty() {
                        listed.push(format!(
                            "  false positive {:?} line {:>3}: {:?} [{}]",
                            row.kind,
                            row.line,
                            row.text,
                            described()
                        ));
                    }
                }
            }
        }
        let pct = |n: usize, of: usize| 100.0 * n as f64 / of.max(1) as f64;
        eprintln!(
            "checks corpus ({half}): caught {caught} of {problems} ({:.1}%), false positives {false_positives} of {negatives} ({:.1}%)",
            pct(caught, problems),
            pct(false_positives, negatives),
        );
        for (c, [hit, of, fp, neg]) in &per_category {
            eprintln!(
                "  {:<20} caught {hit:>2} of {of:>2} ({:5.1}%), false positives {fp:>2} of {neg:>2} ({:4.1}%)",
                corpus_key(*c).0,
                pct(*hit, *of),
                pct(*fp, *neg),
            );
        }
        if show {
            for line in &listed {
                eprintln!("{line}");
            }
        }
        Measured {
            per_category,
            caught,
            problems,
            false_positives,
            negatives,
        }
    }

    /// Pinned `(key, caught, problems, false positives, negatives)` for each category.
    fn assert_measured(half: &str, measured: &Measured, pinned: &[(&str, [usize; 4])]) {
        let got: Vec<(&str, [usize; 4])> = measured
            .per_category
            .iter()
            .map(|(c, counts)| (corpus_key(*c).0, *counts))
            .collect();
        assert_eq!(
            got, pinned,
            "{half}: the figures moved; if no category lost ground, pin the new ones"
        );
    }

    #[test]
    fn the_corpus_files_parse() {
        // Given both halves and the second tuning file, when read, then every row is well
        // formed and no text is in the corpus twice, within a file or across them.
        let tuning = corpus("tuning", TUNING);
        let tuning_2 = corpus("tuning_2", TUNING_2);
        let held_back = corpus("held_back", HELD_BACK);
        assert!(!tuning.is_empty() && !tuning_2.is_empty() && !held_back.is_empty());
        // Every repeat is listed by line only, so that all can be fixed in one go without
        // a held-back row being shown.
        let mut seen: Vec<(String, &str, usize)> = Vec::new();
        let mut repeats = Vec::new();
        for (half, rows) in [
            ("tuning", &tuning),
            ("tuning_2", &tuning_2),
            ("held_back", &held_back),
        ] {
            for row in rows {
                let text = row.text.trim().to_lowercase();
                if let Some((_, first_half, first_line)) = seen.iter().find(|(t, ..)| *t == text) {
                    repeats.push(format!(
                        "{half} line {} repeats {first_half} line {first_line}",
                        row.line
                    ));
                }
                seen.push((text, half, row.line));
            }
        }
        assert!(repeats.is_empty(), "{}", repeats.join("; "));
    }

    #[test]
    fn the_tuning_half_is_caught_as_measured() {
        let measured = measure("tuning", &corpus("tuning", TUNING), true);
        assert_measured("tuning", &measured, TUNING_AS_MEASURED);
        assert_eq!((measured.caught, measured.problems), (TUNING_CAUGHT, 131));
        assert_eq!(
            (measured.false_positives, measured.negatives),
            (TUNING_FALSE_POSITIVES, 80)
        );
    }

    #[test]
    fn the_second_tuning_file_is_caught_as_measured() {
        let measured = measure("tuning_2", &corpus("tuning_2", TUNING_2), true);
        assert_measured("tuning_2", &measured, TUNING_2_AS_MEASURED);
        assert_eq!((measured.caught, measured.problems), (TUNING_2_CAUGHT, 211));
        assert_eq!(
            (measured.false_positives, measured.negatives),
            (TUNING_2_FALSE_POSITIVES, 166)
        );
    }

    #[test]
    fn the_held_back_half_is_caught_as_measured() {
        // Measured twice, once after each round of tuning (never during one: tune with
        // `--skip the_held_back_half`); its rows are never printed, so that no rule is
        // fitted to them. If a rule change moves these figures, say so in the commit.
        let measured = measure("held back", &corpus("held_back", HELD_BACK), false);
        assert_measured("held back", &measured, HELD_BACK_AS_MEASURED);
        assert_eq!(
            (measured.caught, measured.problems),
            (HELD_BACK_CAUGHT, 130)
        );
        assert_eq!(
            (measured.false_positives, measured.negatives),
            (HELD_BACK_FALSE_POSITIVES, 80)
        );
    }

    // Still short of the aim (90 % caught, at most 5 % false positives), and pinned as
    // measured after the second round: 94 of 130 (72.3 %), 12 of 80 false positives
    // (15.0 %). After the first round it was 82 of 130 (63.1 %) and 10 of 80 (12.5 %).
    const HELD_BACK_CAUGHT: usize = 94;
    const HELD_BACK_FALSE_POSITIVES: usize = 12;
    /// Per category: caught, problem rows, false positives, `none` rows of its check.
    const HELD_BACK_AS_MEASURED: &[(&str, [usize; 4])] = &[
        ("conditional-apology", [11, 13, 1, 40]),
        ("but-after-apology", [9, 13, 1, 40]),
        ("excuse", [10, 13, 1, 40]),
        ("blame", [7, 13, 1, 40]),
        ("minimizing", [9, 13, 1, 40]),
        ("demand", [11, 13, 2, 40]),
        ("dismissing", [8, 13, 0, 40]),
        ("criticism", [13, 13, 3, 40]),
        ("contempt", [9, 13, 1, 40]),
        ("defensiveness", [7, 13, 1, 40]),
    ];

    const TUNING_CAUGHT: usize = 130;
    const TUNING_FALSE_POSITIVES: usize = 0;
    /// Per category: caught, problem rows, false positives, `none` rows of its check.
    const TUNING_AS_MEASURED: &[(&str, [usize; 4])] = &[
        ("conditional-apology", [13, 13, 0, 40]),
        ("but-after-apology", [13, 13, 0, 40]),
        ("excuse", [13, 13, 0, 40]),
        ("blame", [13, 13, 0, 40]),
        ("minimizing", [14, 14, 0, 40]),
        ("demand", [13, 13, 0, 40]),
        ("dismissing", [13, 13, 0, 40]),
        ("criticism", [13, 13, 0, 40]),
        ("contempt", [12, 13, 0, 40]),
        ("defensiveness", [13, 13, 0, 40]),
    ];

    const TUNING_2_CAUGHT: usize = 211;
    const TUNING_2_FALSE_POSITIVES: usize = 0;
    /// Per category: caught, problem rows, false positives, `none` rows of its check.
    const TUNING_2_AS_MEASURED: &[(&str, [usize; 4])] = &[
        ("conditional-apology", [21, 21, 0, 84]),
        ("but-after-apology", [21, 21, 0, 84]),
        ("excuse", [21, 21, 0, 84]),
        ("blame", [21, 21, 0, 84]),
        ("minimizing", [21, 21, 0, 84]),
        ("demand", [21, 21, 0, 84]),
        ("dismissing", [21, 21, 0, 84]),
        ("criticism", [21, 21, 0, 82]),
        ("contempt", [22, 22, 0, 82]),
        ("defensiveness", [21, 21, 0, 82]),
    ];
}
