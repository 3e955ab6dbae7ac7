//! Crisis wording: whether text a person wrote speaks of ending their life or harming
//! themself. When it does, the web layer gently offers the author, and only the author, the
//! help page, once. It never blocks what they write, never tells the partner and never
//! quotes the words back. This module owns the phrase table and the one question it
//! answers; it must not do I/O, keep state between calls, or decide what a page shows.
//!
//! Text is read exactly as the wording checks read it (see [`super::checks`]): sentence by
//! sentence, lowercase, curly apostrophes like straight ones, common contractions spelled
//! out with or without the apostrophe (`I'm`, `im` → `i am`; `can't`, `cant` → `can not`;
//! `don't`, `dont` → `do not`). A match never crosses the end of a sentence.
//!
//! # What it looks for
//! - wanting to die or not to be alive, to exist or to wake up; wishing to be dead or never
//!   to have been born; being better off dead;
//! - killing oneself (also `kms`, `unalive`), suicide and feeling suicidal, ending or taking
//!   one's own life, "end it all";
//! - hurting, cutting or burning oneself on purpose, self-harm;
//! - no reason or nothing left to live for, life not worth living, no point in going on,
//!   no will to live (also offered when it is a weary joke: the offer is harmless);
//! - others being better off without me, nobody noticing if I was gone;
//! - not being able to go on, keep going or take it any more, when nothing follows that
//!   makes it about a task or the relationship ("I can't do this anymore" is offered; "I
//!   can't do this anymore without honesty" is not); "I don't know why I'm still here";
//! - goodbye-letter wording ("this is my last letter", "by the time you read this", "when
//!   you read this I'll be gone");
//! - methods and plans: pills all at once or saved up, an overdose, a rope or noose around
//!   the neck, jumping from a bridge or a roof, stepping in front of a train, a gun to the
//!   head, driving into a wall.
//!
//! # What it leaves alone
//! Sadness, grief, hurt, anger, exhaustion and despair that are not about ending one's life
//! ("I feel hopeless about us", "I feel dead inside"); hyperbole and idioms ("this is
//! killing me", "I could die of embarrassment", "I'm dying to see you", "I'd rather die
//! than…", "I'm killing myself trying to make this work", "I shot myself in the foot");
//! other people's deaths and suicides ("my uncle took his own life"), and talk of a film,
//! book or news story about suicide ("a documentary about suicide prevention"): the bare
//! word "suicide" is not enough, the writer has to speak of their own thoughts of it. Anger
//! at the partner ("I wanted to kill you") is not self-harm and belongs to the safety work,
//! not here. "I want to end this relationship", "I want to end it" and "ending things" are
//! left alone: here they are far more often about the relationship. So is "I don't want to
//! live without you", a plea rather than a wish to die.
//!
//! # Decisions worth knowing
//! - **Why both errors matter.** A miss leaves someone at their worst moment without an
//!   easy way to help; that is the error this table leans against. A false alarm costs an
//!   offer the writer did not need, and an offer made against what they plainly said feels
//!   like not being listened to, so it must stay gentle, private and harmless: it never
//!   blocks, it is made once, and it says nothing about why. Where a reading is uncertain
//!   and the cost is only that offer, the table offers. A phrase table will always miss
//!   some ways of saying it (the tests keep a held-back set to measure how many), so this
//!   is one small safety net, never the only one.
//! - **The past counts.** "Last year I felt I couldn't go on, and I'm doing much better
//!   now" and "I wanted to die when I found out" are offered: a person speaking of their
//!   own thoughts of dying, even ones they have come through, may welcome the page.
//! - **Denials are respected.** "I don't want to die", "I'm not suicidal", "I would never
//!   hurt myself" and "I've never thought about killing myself" are left alone: the words
//!   say the opposite, and offering help against them would not feel like being listened
//!   to. "I'm not saying I want to die, but…" is still offered.
//! - **What follows decides "can't go on".** "I can't go on", "I can't keep going", "I can't
//!   take it anymore" are offered at the end of a sentence or before a pause; a word that
//!   carries on ("…pretending", "…to therapy", "…without honesty") or talk of the lies, the
//!   affair or the marriage later in the sentence makes it about something else.
//! - **"I don't know why I'm still here"** is offered on its own and left alone when a
//!   place or the relationship follows ("…at this job", "…after what you did").
//! - **"You'd be better off without me"** is offered even though in a couple it may mean
//!   "leave me": it is also one of the plainest ways people say they think of dying.
//! - **"I could kill myself for forgetting"** is an idiom of self-reproach, and it is
//!   offered anyway: "kill myself" is only left alone after effort and laughter
//!   ("killing myself trying to…", "…laughing", "…falling down the stairs"), because
//!   guilt is exactly where a person who broke trust may mean it. It is listed as a known
//!   false alarm in the tests. For the same reason "I was so embarrassed I wanted to die"
//!   is left alone and "I was so ashamed I wanted to die" is not.

use std::sync::OnceLock;

use super::checks::{Pattern, Phrases, p};

/// Builds a list of `unless_before` sequences: the ones that say the writer is *not* doing
/// or wanting it ("I don't want to die", "I'm not going to kill myself", "I've never thought
/// about killing myself", "I'm not feeling suicidal"), and then any given.
macro_rules! not_and {
    ($($more:literal),* $(,)?) => {
        &[
            "not|never [really|actually|ever|even|once|truly]",
            "not|never [really|actually|ever|even|once] going|gonna|want|wanted|wanna|try|tried|trying|plan|planning|planned [to]",
            "not|never [really|actually|ever|even|once] thought|think|thinking|considered|considering [about|of]",
            "not|never [really|actually|ever|even] been|felt|feel|feeling",
            $($more),*
        ]
    };
}

/// Just before a phrase, the writer denies it.
const NOT: &[&str] = not_and!();

/// As [`NOT`], and also embarrassment, where "I wanted to die" is a figure of speech ("I was
/// so embarrassed I wanted to die"). Shame is not on the list: after a betrayal it may be
/// meant.
const NOT_NOR_EMBARRASSED: &[&str] = not_and!(
    "embarrassed|embarrassing|mortified|mortifying|cringe|cringed|cringing|awkward [,] [that] [i]",
);

/// Just before a phrase, the writer denies it or it is about someone else ("my brother
/// attempted suicide", "her suicidal thoughts", "you ended my life").
const NOT_MINE: &[&str] = not_and!(
    "he|she|they|who|you|it|his|her|their|your|dad|mum|mom|father|mother|brother|sister|son|daughter|uncle|aunt|cousin|friend|grandad|grandpa|grandma|granny|nan|colleague|neighbour|neighbor|character|someone|somebody|people|affair|cheating|lying|lies [had|has|have|was|is|were|are|once|later|then|eventually|sadly|tragically|apparently|ever] [been|almost|nearly|just|once|felt|feels|seemed|seems|got|became|getting|tried|basically|practically|totally] [to]",
);

/// As [`NOT_MINE`], and also a topic rather than a feeling ("a film about suicidal teens").
const NOT_MINE_NOR_TOPIC: &[&str] = not_and!(
    "he|she|they|who|you|it|his|her|their|your|dad|mum|mom|father|mother|brother|sister|son|daughter|uncle|aunt|cousin|friend|grandad|grandpa|grandma|granny|nan|colleague|neighbour|neighbor|character|someone|somebody|people [had|has|have|was|is|were|are|once|later|then|eventually|sadly|tragically|apparently|ever] [been|almost|nearly|just|once|felt|feels|seemed|seems|got|became|getting|tried] [to]",
    "about|on",
);

/// Right after "die", wording that makes it a figure of speech or a wish about old age.
const DIE_AFTER: &[&str] = &[
    "of|from|laughing|happy|old|together|first|inside|someday|peacefully|knowing",
    "before you",
    "a little",
    "in your arms",
    "with|next|beside you|to",
    "one day",
    "at home|peace",
    "for you|them|us|her|him|love|our",
];

/// Right after "live" or "living", a place, a person or a way of life rather than life.
const LIVE_AFTER: &[&str] = &[
    "in|at|with|near|nearby|there|here|together|apart|on|by|under|through|abroad|alone|far|forever|somewhere|anywhere|where|next|close|as|without|of",
    "like that",
    "a lie",
    "lies",
    "that way",
    "the rest",
];

/// Right after "wake up", an ordinary morning or someone else being woken.
const WAKE_AFTER: &[&str] = &[
    "early|late|at|before|after|the|you|him|her|them|us|my|your|his|their|our|for|to|when|so|until|till|on|this|yet|alone|without|too|next|because|from|with|or|if",
    "in time",
];

/// After "hurt/cut myself", wording that makes it figurative or an accident. "If", "when",
/// "at night" and "in the bathroom" are not on it: "I'll hurt myself if you go" is meant.
const SELF_AFTER: &[&str] = &[
    "by|over|thinking|checking|reading|looking|staying|holding|dwelling|blaming|replaying|wondering|asking|imagining|pretending|lying|comparing|believing|hoping|waiting|trusting|going|off|out|short|some|slack|free|loose|emotionally|mentally|shaving|cooking|chopping|opening|playing|lifting|running|falling|doing|trying",
    "while shaving|cooking|chopping|playing|running|cleaning",
    "like that",
];

/// After "killing myself", effort or laughter rather than death ("killing myself trying to
/// make this work", "killing myself at work").
const EFFORT_AFTER: &[&str] = &[
    "trying|working|laughing|over|for|at|to|with|here|out|all|on|doing|running|studying|cleaning|making|keeping|getting",
];

/// After "can't go on", "can't do this anymore" and the like: a word that carries on makes
/// it about a task, and talk of the relationship later in the sentence makes it about that.
/// A pause, the end of the sentence or one of these few words leaves it standing ("i" and
/// "and" because messages are often written without commas: "i cant do this anymore i").
const CANT_AFTER: &[&str] = &[
    "!i|and|so|but|everything|nothing|honestly|really|either|now|tbh|lol|sorry|today|tonight|though|please|help|x|xx|anyway",
    "... honest|honesty|lie|lies|lying|secret|secrets|affair|affairs|cheating|marriage|relationship|pretending|pretend|trust|counselling|counseling|therapy|arguing|fighting|argument|arguments|fights|job|work|chores|commute|diet|course|degree|schedule",
];

/// After "why I'm still here": a place, the relationship or the partner.
const STILL_HERE_AFTER: &[&str] = &[
    "!i|and|honestly|really|tbh|lol|either|sometimes|anyway|though|tonight|today",
    "... job|work|marriage|relationship|house|home|town|city|place|company|office|flat|apartment|school|country|app|group|family|party|meeting|you|us",
];

/// After "by the time you read this" and the like: an ordinary errand or journey.
const READ_THIS_AFTER: &[&str] = &[
    "... plane|flight|train|bus|airport|work|office|home|mum's|mom's|mother's|parents|sister's|brother's|shop|shops|store|gym|meeting|appointment|session|therapy|counselling|class|asleep|bed|way|trip|holiday|vacation|landed|arrived|dinner|lunch|breakfast|back|tomorrow|weekend|morning|evening|later|soon|cooked|done|finished|ready|sorted|booked|bought",
];

/// After "overdose": a topic or a figure of speech.
const OVERDOSE_AFTER: &[&str] = &[
    "prevention|awareness|deaths|death|crisis|epidemic|rates|numbers|kit|kits|training|statistics",
    "on chocolate|coffee|caffeine|sugar|candy|cake|love|netflix|tv|sweets|cheese|pizza|romance|cuteness|kindness|sunshine|nostalgia|carbs",
];

/// After "gone" or "disappeared": somewhere, for a while.
const GONE_AFTER: &[&str] = &[
    "to|for|from|on|at|until|till|by|away|out|with|a|an|the|all|most|half|home|into|when|tonight|today|tomorrow|this|next|while|so|because|during",
];

/// The phrases, each with an example it catches (a test checks that it does). Grouped as
/// in the module doc.
const PATTERNS: &[(Pattern, &str)] = &[
    // ---- wanting to die, not to be alive -----------------------------------------------
    (
        p("want|wants|wanted|wanna|wanting|ready|deserve|deserves [to] die")
            .unless_before(NOT_NOR_EMBARRASSED)
            .unless_after(DIE_AFTER),
        "Some days I really want to die.",
    ),
    (
        p("want|wants|wanted|wanna [to] be dead").unless_before(NOT),
        "I just want to be dead.",
    ),
    (
        p("wish|wished|hope|hoping|pray|praying i [could|would|will|might] [just] die|died")
            .unless_after(DIE_AFTER),
        "I hope I die in my sleep.",
    ),
    (p("wish|wished i was|were [already] [just] dead"), "I wish I were dead."),
    (p("better off dead"), "Honestly I'd be better off dead."),
    (p("rather be dead").unless_after(&["than"]), "I'd rather be dead."),
    (
        p("feel|feeling|felt like dying")
            .unless_before(NOT)
            .unless_after(DIE_AFTER),
        "I felt like dying when you left.",
    ),
    (
        p("not|never [really] want|wanna|wish [to] be|stay alive"),
        "I don't want to be alive.",
    ),
    (
        p("not|never [really] want|wanna [to] live").unless_after(LIVE_AFTER),
        "I dont want to live.",
    ),
    (
        p("not|never [really] want|wanna [to] keep|go|carry [on] living").unless_after(LIVE_AFTER),
        "I don't want to keep living like this.",
    ),
    (
        p("not|never [really] want|wanna [to] exist").unless_after(LIVE_AFTER),
        "I do not want to exist.",
    ),
    (
        p("not|never [really] want|wanna [to] be here|around [any] more|anymore").unless_after(
            &[
                "in|at|with|on|for|working|living|doing|without|when|if|after|while",
                "... job|work|house|home|marriage|relationship|town|city|place|company|office|flat|apartment|school|country|app|group|family",
            ],
        ),
        "I don't want to be here any more.",
    ),
    (
        p("wish|wished i|i'd [had|was|were] never [been] born"),
        "I wish I'd never been born.",
    ),
    (p("wish|wished i was|were not [ever] born"), "I wish I wasn't born."),
    (
        p("wish|wished i did not|never exist|existed"),
        "I wish I didn't exist.",
    ),
    (p("wish|wished i was|were not alive"), "I wish I wasn't alive."),
    (
        p("no|lost [the] will to live"),
        "I've lost the will to live.",
    ),
    // ---- not wanting to wake up ----------------------------------------------------------
    (
        p("hope|hoping|wish|wishing|pray|praying i|i'd [do|will|would|could] not|never wake up")
            .unless_after(WAKE_AFTER),
        "I pray I never wake up.",
    ),
    (
        p("not|never want|wanna [to] wake up").unless_after(WAKE_AFTER),
        "I never want to wake up again.",
    ),
    (
        p("sleep|asleep and never|not wake up").unless_after(WAKE_AFTER),
        "I want to fall asleep and never wake up.",
    ),
    (
        p("want|wanna|wish [to] [just] sleep forever|permanently")
            .unless_after(&["after|this|tonight|today|tomorrow|on|in"]),
        "I just want to sleep forever.",
    ),
    // ---- killing oneself, suicide ----------------------------------------------------------
    (
        p("kill|killed|kil myself")
            .unless_before(NOT)
            .unless_after(&["laughing|falling|tripping|slipping|skiing|cycling"]),
        "I'm going to kill myself.",
    ),
    (
        p("kill|killing|killed my self").unless_before(NOT),
        "I keep thinking I should kill my self.",
    ),
    (
        p("killing myself")
            .unless_before(NOT)
            .unless_after(EFFORT_AFTER),
        "I'm killing myself, slowly.",
    ),
    (
        p("about|of|considered|considering|contemplated|contemplating|imagined|imagining|planning|planned killing|hanging|drowning|shooting|poisoning|gassing myself")
            .unless_before(NOT),
        "I've been thinking about killing myself for weeks.",
    ),
    (p("kms").unless_before(&["*"]), "honestly, kms"),
    (
        p("to|gonna|wanna|will|i|just|literally|should|might|could|about|gotta kms"),
        "im gonna kms",
    ),
    (
        p("unalive|unaliving|unalived myself|me"),
        "I've thought about how to unalive myself.",
    ),
    (
        p("commit|committing|committed|attempt|attempted|attempting|tried|try|trying|consider|considered|considering|contemplate|contemplated|contemplating|think|thinking|thought|thoughts|planning|planned [about|of|to] [commit] suicide|sucide|suiside|suicde")
            .unless_before(NOT_MINE),
        "I attempted suicide when I was younger.",
    ),
    (
        p("my suicide|sucide|suiside|suicde|suicidal|sucidal|suicidial|suisidal"),
        "This is my suicide note.",
    ),
    (
        p("write|writing|wrote|written|leave|left|leaving|draft|drafted|drafting a suicide|sucide|suiside note|letter")
            .unless_before(NOT_MINE),
        "I've started writing a suicide note.",
    ),
    (
        p("suicidal|sucidal|suicidial|suisidal|suicidle").unless_before(NOT_MINE_NOR_TOPIC),
        "I've been suicidal since the summer.",
    ),
    // ---- ending or taking one's own life -------------------------------------------------
    (
        p("end|ending|ended my [own] life|lives")
            .unless_before(NOT_MINE)
            .unless_after(&["as|in|back|apart|together|with|story"]),
        "I keep thinking about ending my life.",
    ),
    (
        p("take|taking|took|taken my [own] life")
            .unless_before(NOT_MINE)
            .unless_after(&["back|in|into|forward|apart|seriously|for|as|again|out|away|over|by|to|and|from|with|off|on|under"]),
        "I thought about taking my own life.",
    ),
    (
        p("end|ending|ended it all")
            .unless_before(NOT)
            .unless_after(&["between|with"]),
        "I just want to end it all.",
    ),
    // ---- self-harm ---------------------------------------------------------------------
    (
        p("self harm|harming|harmed|harms|injury|injuring|injure|injured|mutilate|mutilating|mutilation")
            .unless_before(NOT_MINE_NOR_TOPIC),
        "I've started to self-harm again.",
    ),
    (
        p("selfharm|selfharming|selfharmed").unless_before(NOT_MINE_NOR_TOPIC),
        "the selfharm is back",
    ),
    (
        p("want|wants|wanted|wanna|wanting|urge|urges|tempted|going|gonna|will|might|thinking|thought|think|considered|considering|planning|planned|started|start|starting|began|begun|stop|stopped|quit|keep|kept|been|need|needed|trying|tried|try [to|about|of|on] hurt|hurting|harm|harming|cut|cutting|burn|burning myself")
            .unless_before(NOT)
            .unless_after(SELF_AFTER),
        "I keep wanting to cut myself.",
    ),
    (
        p("cut|cutting|burned|burnt|burn|burning|harmed|harming|harm|hurt|hurting myself again")
            .unless_after(SELF_AFTER),
        "I cut myself again last night.",
    ),
    (
        p("slit|slitting|slash|slashing|cut|cutting my wrists|wrist|throat"),
        "I thought about slitting my wrists.",
    ),
    (
        p("cutting my arms|thighs|legs|skin|arm|thigh|leg|stomach").unless_after(SELF_AFTER),
        "I've been cutting my arms.",
    ),
    // ---- no reason to live ---------------------------------------------------------------
    (
        p("no|little|any reason [left] to live|exist"),
        "I don't have any reason to live.",
    ),
    (
        p("no|little|any reason [left] to go|carry on")
            .unless_after(&["with|to|about|at|a|the|holiday|trip"]),
        "There's no reason to go on.",
    ),
    (
        p("no|little|any reason [left] to keep going|living|trying").unless_after(&["to|with"]),
        "I have no reason to keep going.",
    ),
    (
        p("no|little|any reason [left] to stay|be alive"),
        "There's no reason to stay alive.",
    ),
    (p("no|little reason for living"), "I have no reason for living."),
    (
        p("nothing|no|nobody|noone [one] [left] to live for"),
        "I have no one left to live for.",
    ),
    (
        p("not|no [longer] worth living").unless_after(&["for|with|in|together"]),
        "My life is no longer worth living.",
    ),
    (
        p("life|life's|lifes [is|feels|seems|just] not|no [longer] [really] worth it"),
        "Life isn't worth it anymore.",
    ),
    (
        p("point in|of [me] [even] [still] living|existing").unless_after(LIVE_AFTER),
        "What is the point of living?",
    ),
    (
        p("point in|of [me] [even] [still] being|staying alive"),
        "I don't see the point of staying alive.",
    ),
    (
        p("point in|of going|carrying|keeping on|going").unless_after(&[
            "with|about|at|to|the|a|this|that|holiday|trip|and|so|in|there|back|out|together|home",
        ]),
        "There's no point in carrying on.",
    ),
    // ---- better off without me -----------------------------------------------------------
    (
        p("better [off] without me").unless_after(&["there|at|on|for|in"]),
        "The kids would be better off without me.",
    ),
    (
        p("better|easier|happier [off] [for] [everyone|everybody|all|you|them|us] if i [just] was|were not|never around|alive|here|born")
            .unless_after(GONE_AFTER),
        "It would be easier for everyone if I wasn't alive.",
    ),
    (
        p("better|easier|happier [off] [for] [everyone|everybody|all|you|them|us] if i [just] was|were [just] gone|dead").unless_after(GONE_AFTER),
        "Everyone would be better off if I were dead.",
    ),
    (
        p("better|easier|happier [off] [for] [everyone|everybody|all|you|them|us] if i [just] died|disappeared|vanished").unless_after(GONE_AFTER),
        "You'd all be happier if I just disappeared.",
    ),
    (
        p("better|easier|happier [off] [for] [everyone|everybody|all|you|them|us] if i [did] not|never exist|existed"),
        "Things would be better if I didn't exist.",
    ),
    (
        p("nobody|noone|no [one] would|will [even] [really] miss me")
            .unless_after(&["at|on|for|during|in"]),
        "No one would miss me.",
    ),
    (
        p("anyone|anybody would|will [even] [really] miss me").unless_after(&["at|on|for|during|in"]),
        "I don't think anyone would miss me.",
    ),
    (
        p("miss|notice|care|mind [it] if|when i [just] died|disappeared|vanished").unless_after(GONE_AFTER),
        "Would you even care if I died?",
    ),
    (
        p("miss|notice|care|mind [it] if|when i [just] was|were gone|dead").unless_after(GONE_AFTER),
        "Nobody would notice if I was gone.",
    ),
    // ---- can't go on -----------------------------------------------------------------------
    (
        p("can|could not [really] [possibly] go|carry on [living] [like] [this|that] [any] [more|anymore] [longer]")
            .unless_after(CANT_AFTER),
        "I can't go on like this.",
    ),
    (
        p("can|could not [really] keep going|living|on [like] [this|that] [any] [more|anymore] [longer]")
            .unless_after(CANT_AFTER),
        "I cannot keep going.",
    ),
    (
        p("can|could not [really] [possibly] do|take|handle|bear|stand|face it|this|life|living [any] more|anymore")
            .unless_after(CANT_AFTER),
        "I can't take this any more.",
    ),
    (
        p("can|could not [really] cope [any] more|anymore").unless_after(CANT_AFTER),
        "I can't cope anymore.",
    ),
    (
        p("can|could not [really] face another day|tomorrow|living|life [like] [this|that]")
            .unless_after(CANT_AFTER),
        "I can't face another day.",
    ),
    (
        p("can|could not [really] [possibly] live like this [any] more|anymore")
            .unless_after(CANT_AFTER),
        "I can't live like this anymore.",
    ),
    (
        p("not think|know|see|sure [how|if|whether|that] i can|could [still] [really] go|carry on [living] [like] [this|that] [any] [more|anymore] [longer]")
            .unless_after(CANT_AFTER),
        "I don't think I can go on.",
    ),
    (
        p("not think|know|see|sure [how|if|whether|that] i can|could [still] [really] keep going|living|on [like] [this|that] [any] [more|anymore] [longer]")
            .unless_after(CANT_AFTER),
        "I'm not sure I can keep going.",
    ),
    (
        p("not think|know|see|sure [how|if|whether|that] i can|could [still] [really] do|take|handle|bear|face it|this|life|living [any] more|anymore")
            .unless_after(CANT_AFTER),
        "I don't know if I can take it anymore.",
    ),
    (
        p("longer i can|could [still] go|carry on [living]").unless_after(CANT_AFTER),
        "I don't know how much longer I can go on.",
    ),
    (
        p("longer i can|could [still] keep going|living|on").unless_after(CANT_AFTER),
        "I don't know how much longer I can keep going.",
    ),
    // ---- why I'm still here ----------------------------------------------------------------
    (
        p("not know|understand|see why i am [even] [still] alive|breathing"),
        "I don't understand why I'm still alive.",
    ),
    (
        p("not know|understand|see why i am [even] still here|around [any] [more|anymore]")
            .unless_after(STILL_HERE_AFTER),
        "I don't know why I'm even still around.",
    ),
    (p("why am i [even] [still] alive|breathing"), "Why am I still breathing?"),
    (
        p("why am i [even] still here").unless_after(STILL_HERE_AFTER),
        "Why am I still here?",
    ),
    (
        p("should not [even] [still] be alive").unless_before(&["you|he|she|they|it|who"]),
        "I shouldn't even be alive.",
    ),
    // ---- goodbye letters -------------------------------------------------------------------
    (
        p("this|that [is|will] [be] my [very] last|final letter|message|note|goodbye|words|entry|text|email|post|page")
            .unless_after(&[
                "before|until|till|for|of|this|today|tonight|about|on|in|here|then|from|after|while|ahead",
                "to you ... before|until|till|for|today|tonight|this|week|weekend|month|trip|session|holiday",
            ]),
        "This will be my final message.",
    ),
    (
        p("by the time you read|see|get|find|open this").unless_after(READ_THIS_AFTER),
        "By the time you read this I won't be here.",
    ),
    (
        p("when|once|after|if you read|see|get|find this ... i will [already] be gone|dead")
            .unless_after(GONE_AFTER),
        "Once you find this, I will already be gone.",
    ),
    (
        p("when|once|after|if you read|see|get|find this ... not be here|around|alive")
            .unless_after(READ_THIS_AFTER),
        "When you read this I won't be alive.",
    ),
    (
        p("not be around|here|alive [for] much longer")
            .unless_before(&["you|he|she|they|it|who|we will|would|might|may"]),
        "I won't be around much longer.",
    ),
    (
        p("not have|need to deal|cope|worry|bother|put ... me [for] much longer"),
        "You won't have to put up with me much longer.",
    ),
    // ---- done with life ------------------------------------------------------------------
    (
        p("done|finished with life|living|existing").unless_after(LIVE_AFTER),
        "I'm done with life.",
    ),
    (p("done|finished with being alive"), "I'm finished with being alive."),
    (
        p("tired|sick|weary of living|existing|life").unless_after(LIVE_AFTER),
        "I'm so tired of living.",
    ),
    (p("tired|sick|weary of being alive"), "I'm sick of being alive."),
    (
        p("give|gave|given|giving up on life|living").unless_after(LIVE_AFTER),
        "I've given up on life.",
    ),
    (
        p("want|wish|wanted|need it all|everything to end")
            .unless_after(&["so|and|between|with|for|soon|well|happily|here"]),
        "I just want it all to end.",
    ),
    (
        p("want|wanna|wanted|wish|wished [to] [just] disappear|vanish forever|permanently"),
        "I want to disappear forever.",
    ),
    (
        p("want|wanna|wanted|wish|wished [to] [just] disappear|vanish for good"),
        "I want to vanish for good.",
    ),
    (
        p("i could|would [just] disappear|vanish forever|permanently"),
        "I wish I could just vanish permanently.",
    ),
    // ---- methods and plans ---------------------------------------------------------------
    (
        p("hang|hanging|hanged|drown|drowning|poison|poisoning|gas|gassing|stab|stabbing|electrocute|electrocuting myself")
            .unless_before(NOT),
        "I looked up how to hang myself.",
    ),
    (
        p("shoot|shooting myself").unless_before(NOT).unless_after(&[
            "in the foot|leg|knee",
            "a|an|some|the|pic|photo|message|email|text|note|reminder",
        ]),
        "I could shoot myself and be done.",
    ),
    (
        p("gun|pistol|revolver|shotgun|rifle to|against|in my head|mouth|temple|chest"),
        "I held the gun to my head.",
    ),
    (p("bullet in|through my head|brain|skull"), "I want to put a bullet in my head."),
    (p("blow|blowing my brains out"), "I could blow my brains out."),
    (
        p("rope|noose|belt|cord around|round my neck"),
        "I sat with the rope around my neck.",
    ),
    (p("a|my noose"), "I tied a noose."),
    (
        p("jump|jumping|leap|leaping|throw|throwing [myself] off|from [the|a|that|this|our|my] [top] [of] [the|a|that|this|our|my] bridge|roof|rooftop|building|cliff|balcony|ledge|window|overpass|tower|flyover"),
        "I want to jump off the roof.",
    ),
    (
        p("almost|nearly jumped|stepped|threw").unless_after(&[
            "out|at|up|in|for|with|when|the|a|into|over|ship|through|back|down|aside|forward",
        ]),
        "I nearly jumped last night.",
    ),
    (
        p("jump|jumping|step|stepping|throw|throwing|walk|walking|lie|lying|lay|laying|run|running [myself] [out] in front of a|the|an [oncoming] train|bus|truck|lorry|car|tube|tram|traffic"),
        "I wanted to step in front of a train.",
    ),
    (
        p("walk|walking|step|stepping|run|running|jump|jumping into [the] [oncoming] traffic"),
        "Part of me wanted to walk into traffic.",
    ),
    (
        p("drive|driving|drove [my|the] [car] into|off a|the wall|tree|cliff|bridge|river|lake|sea|truck|lorry|barrier")
            .unless_before(&["we|you|he|she|they|accidentally|nearly|almost|someone|somebody"]),
        "I thought about driving my car off a cliff.",
    ),
    (
        p("crash|crashing|crashed|swerve|swerving|swerved [my|the] [car] ... on purpose|deliberately"),
        "I want to crash the car on purpose.",
    ),
    (
        p("walk|walking|walked into the sea|river|lake|ocean|water")
            .unless_after(&["for|to|and|with|up"]),
        "I thought about walking into the sea.",
    ),
    (
        p("all [of] [my|the|those|these|of] [sleeping] pills|tablets|meds|medication|painkillers|paracetamol [at] once|together"),
        "I could take all my tablets at once.",
    ),
    (
        p("all [of] [my|the|those|these|of] [sleeping] pills|tablets|meds|medication|painkillers|paracetamol in one go"),
        "I want to swallow all the pills in one go.",
    ),
    (
        p("whole|entire bottle|packet|box|pack|strip|jar|tub of [my|the] [sleeping] pills|tablets|meds|painkillers|paracetamol"),
        "I've thought about swallowing a whole bottle of pills.",
    ),
    (
        p("take|took|taking|swallow|swallowed|swallowing|down|downed the|a whole|entire bottle|packet|box|pack"),
        "I almost took the whole packet.",
    ),
    (
        p("saving|saved|stockpiling|stockpiled|hoarding|hoarded|stashing|stashed|collecting|collected [up] [my|the|some|all] [of] [my|the] [sleeping] pills|tablets|meds|medication|painkillers|paracetamol"),
        "I've been stockpiling my tablets.",
    ),
    (
        p("how many [of] [my|the|these|those] [sleeping] pills|tablets|meds|painkillers|paracetamol it|it'd [would|will] take|takes"),
        "I worked out how many tablets it would take.",
    ),
    (
        p("how many [of] [my|the|these|those] [sleeping] pills|tablets|meds|painkillers|paracetamol would|will|does it take"),
        "How many pills would it take?",
    ),
    (p("lethal|fatal dose"), "I googled the lethal dose of my meds."),
    (
        p("to|about|of|into|an [deliberately] overdose|overdosing|od")
            .unless_before(&["died|dead|death|deaths|killed|lost|losing|from|after|accidental|by [of|from]"])
            .unless_after(OVERDOSE_AFTER),
        "I thought about taking an overdose.",
    ),
    (
        p("i [almost|nearly|deliberately|intentionally|once] overdosed|od'd").unless_after(OVERDOSE_AFTER),
        "I almost overdosed last winter.",
    ),
];

/// True when `text` contains clear crisis or self-harm wording. Never panics; the same text
/// always gives the same answer.
pub fn in_crisis(text: &str) -> bool {
    first_match(text).is_some()
}

/// Where the first crisis wording stands, as a byte range. Only for tests and for reasoning
/// about a match: the page never quotes it back.
fn first_match(text: &str) -> Option<(usize, usize)> {
    phrases().find(text).into_iter().min()
}

fn phrases() -> &'static Phrases {
    static PHRASES: OnceLock<Phrases> = OnceLock::new();
    PHRASES.get_or_init(|| {
        let patterns: Vec<Pattern> = PATTERNS.iter().map(|(pattern, _)| *pattern).collect();
        Phrases::compile(&patterns)
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::detector_corpus;

    // The corpus: phrasings in our own words, written before any pattern, of the kind people
    // write here (letters, answers, check-in notes). A row moves between the tables only
    // when what the detector does with it changes; its words never change to fit a pattern.

    /// Crisis wording that is offered help.
    const CRISIS: &[&str] = &[
        "I want to die.",
        "honestly i just want to die",
        "Some nights I wish I was dead.",
        "I don't want to be alive anymore.",
        "i dont want to live anymore",
        "I've been thinking about killing myself.",
        "im going to kill myself",
        "I can't stop crying. kms",
        "I have thought about suicide every day since you told me.",
        "I feel suicidal when I'm alone at night.",
        "I want to end my life.",
        "Sometimes I think about ending it all.",
        "I started cutting myself again.",
        "I've been hurting myself and I haven't told anyone.",
        "The urge to self-harm is back.",
        "I have no reason to live.",
        "There's nothing left to live for.",
        "Everyone would be better off without me.",
        "You and the kids would be better off if I was gone.",
        "I don't want to wake up tomorrow.",
        "I hope I don't wake up in the morning.",
        "I can't go on anymore.",
        "I can't keep going any more.",
        "I don't know why I'm still here.",
        "This is my last letter to you.",
        "By the time you read this, it will be over.",
        "I've been saving up my pills.",
        "I looked up how many pills it would take.",
        "I thought about jumping off the bridge on my way home.",
        "I can't do this anymore.",
        "Last year I felt I couldn't go on, and I'm doing much better now.",
        "I wanted to die when I found out about the affair.",
        "Life isn't worth living without you.",
        "What's the point of living like this?",
        "I'm tired of being alive.",
        "Nobody would even notice if I disappeared.",
        "I'M GOING TO END IT ALL",
        "I keep thinking about taking all my sleeping pills at once.",
        "i wish i had never been born",
        "I just want to go to sleep and never wake up.",
        "I'm a burden and you'd all be better off without me.",
        "When you read this I will be gone.",
        "I've been planning how to overdose.",
        "Part of me wants to die.",
        "I told my therapist I've had suicidal thoughts.",
        "I nearly took my own life last spring.",
        "I'd be better off dead.",
        "i cant take it anymore",
        "I’m so tired. I don’t want to exist anymore.",
        "I don't see any point in going on.",
        "I want to hurt myself so the pain goes somewhere.",
        "I wish I could disappear forever.",
        "If you leave, I'll kill myself.",
        "I tried to kill myself before we met, and lately the thoughts are back.",
        "Sometimes I sit in the car and think about driving into a wall.",
    ];

    /// Sadness, grief, anger, exhaustion, hyperbole and talk of other people's deaths that
    /// is rightly left alone.
    const NOT_CRISIS: &[&str] = &[
        "I'm so sad today.",
        "This is killing me.",
        "Waiting for your answer is killing me.",
        "I could die of embarrassment.",
        "I'm dying to see you this weekend.",
        "My phone died halfway through our call.",
        "I'm still here for you.",
        "I don't know why I'm still here at this job.",
        "I don't know why I'm still here after what you did.",
        "I wanted to kill you when I found out.",
        "We watched a documentary about suicide prevention.",
        "I'm done with the lies.",
        "I can't do this anymore without honesty.",
        "I want to end this relationship.",
        "I'm heartbroken and I cry every night.",
        "I'm exhausted after the week we've had.",
        "My grandmother died last spring and I still miss her.",
        "I don't want to die without making this right.",
        "I'm killing myself trying to make this work.",
        "I laughed so hard I nearly died.",
        "I cut myself chopping onions.",
        "I hurt myself more than anyone by lying.",
        "I'm not going anywhere.",
        "I'd rather die than go to that party.",
        "I'm tired of fighting about money.",
        "I can't go on pretending everything is fine.",
        "I can't keep going to therapy alone.",
        "I want to take my life back.",
        "By the time you read this I'll be on the plane home.",
        "I'm not suicidal, just very tired.",
        "The affair felt like a death in the family.",
        "Part of me died when you told me.",
        "I wanted the ground to swallow me up.",
        "I'm so done with this week.",
        "My uncle took his own life when I was twelve, and I still think about him.",
        "I took all my pills this morning like the doctor said.",
        "You'd be better off asking your sister.",
        "I feel dead inside when you don't answer.",
        "Don't kill me, but I forgot to book the restaurant.",
        "I don't want to wake up the kids when I come home late.",
        "I would never hurt myself, I promise.",
        "This is my last letter before our session on Thursday.",
        "I'm dead tired.",
        "We jumped off the bridge into the river when we were kids.",
        "I shot myself in the foot by lying about that too.",
        "I need to stop beating myself up.",
        "Sometimes I feel hopeless about us.",
        "I'll love you till the day I die.",
        "I can't live without coffee.",
        "The news story about the overdose deaths scared me.",
        "You'll be the death of me with these puns.",
        "Let's end the argument here and talk tomorrow.",
        "I gave up on the diet.",
        "Since the affair I've felt numb and lost.",
        "Your dad's funeral made me think about how short life is.",
    ];

    /// Crisis wording the patterns do not catch: the limits of a phrase table, kept so the
    /// measured rate is honest. Move a row to CRISIS when it starts being caught.
    const KNOWN_MISSES: &[&str] = &[
        // "Bought a rope" alone is shopping; only a rope around the neck is caught.
        "I bought a rope and I keep looking at it.",
        // Nothing is said outright; only a reader who knows why the bridge matters sees it.
        "I drove to the bridge last night and sat there for an hour.",
        // "When I'm gone" is how people talk about a trip.
        "Please look after the dog for me when I'm gone.",
    ];

    /// Wording that is offered help but should not be, kept for the same honesty.
    const KNOWN_FALSE_ALARMS: &[&str] = &[
        // An idiom of self-reproach, offered on purpose (see the module doc).
        "I could kill myself for forgetting our anniversary.",
    ];

    /// Written with the corpus, before any pattern, and never used to tune one: how the
    /// patterns do on these is the better guess at text nobody here has read. Each row says
    /// whether help should be offered. Rows stay put whatever the detector does with them.
    const HELD_BACK: &[(bool, &str)] = &[
        (
            true,
            "Honestly I think everyone would be happier if I wasn't around.",
        ),
        (
            true,
            "I keep picturing my own funeral and it feels like relief.",
        ),
        (true, "i want to die so bad"),
        (
            true,
            "Last night I stood on the balcony and thought about jumping.",
        ),
        (true, "I don't think I can keep living like this."),
        (true, "I've started self harming again, I'm sorry."),
        (true, "I wish I could fall asleep and not wake up."),
        (true, "I'm so tired of existing."),
        (
            true,
            "I'm sorry for everything. This is the last thing I'll ever write to you.",
        ),
        (
            true,
            "My life is worthless and I'm thinking about ending it.",
        ),
        (true, "Why am I even still alive?"),
        (true, "I have the pills ready."),
        (true, "I want to kill my self"),
        (true, "Im suicidal"),
        (true, "I tried to kill myself when I was nineteen."),
        (true, "There's no point in me being alive."),
        (false, "I nearly died laughing at your text."),
        (
            false,
            "My dad's cancer is killing him slowly and I'm scared.",
        ),
        (false, "I want to die old and grey next to you."),
        (false, "Our old car finally died on the motorway."),
        (false, "I'm dead serious about the counselling."),
        (
            false,
            "The book we read was about a woman who survived a suicide attempt.",
        ),
        (false, "I can't keep doing all the chores myself."),
        (false, "I feel like giving up on this garden."),
        (false, "I can't take the kids to school tomorrow."),
        (false, "Killing time at the airport, I'll call later."),
        (false, "I'm at the end of my rope with the landlord."),
        (
            false,
            "I want to end the call before I say something I regret.",
        ),
        (false, "You're going to be the death of me, I swear."),
        (false, "I'd die for you."),
        (false, "I don't want to live in this town forever."),
        (
            false,
            "Part of me wanted to disappear when the kids asked about it.",
        ),
    ];

    #[test]
    fn every_crisis_phrasing_is_caught() {
        for text in CRISIS {
            assert!(in_crisis(text), "should offer help for {text:?}");
        }
    }

    #[test]
    fn nothing_that_is_not_crisis_is_caught() {
        for text in NOT_CRISIS {
            assert!(
                !in_crisis(text),
                "should leave {text:?} alone; matched {:?}",
                first_match(text).map(|(s, e)| &text[s..e])
            );
        }
    }

    #[test]
    fn known_limits_are_still_what_they_were() {
        for text in KNOWN_MISSES {
            assert!(
                !in_crisis(text),
                "{text:?} is caught now: move it to CRISIS"
            );
        }
        for text in KNOWN_FALSE_ALARMS {
            assert!(
                in_crisis(text),
                "{text:?} is no longer caught: move it to NOT_CRISIS"
            );
        }
    }

    #[test]
    fn corpus_rates_are_as_measured() {
        // Given every crisis phrasing (known misses included) and every other one (known
        // false alarms included), when read, then the counts are exactly these.
        let m = detector_corpus::measure(
            "crisis",
            in_crisis,
            &[CRISIS, KNOWN_MISSES],
            &[NOT_CRISIS, KNOWN_FALSE_ALARMS],
        );
        assert_eq!((m.caught, m.of), (55, 58));
        assert_eq!((m.alarms, m.others), (1, 56));
        assert!(
            m.others * 3 >= m.of + m.others,
            "a third at least must not trigger"
        );
    }

    #[test]
    fn held_back_rates_are_as_measured() {
        let m = detector_corpus::held_back("crisis, held back", in_crisis, HELD_BACK);
        assert_eq!((m.caught, m.of), (11, 16));
        assert_eq!((m.alarms, m.others), (0, 16));
    }

    fn offered(text: &str) -> bool {
        in_crisis(text)
    }

    #[test]
    fn every_pattern_catches_its_example() {
        // Given each phrase on its own, when it reads its example, then it matches: a word
        // the reader spells differently ("don't" is read as "do not") would never match.
        for (i, (pattern, example)) in PATTERNS.iter().enumerate() {
            let alone = Phrases::compile(std::slice::from_ref(pattern));
            assert!(
                !alone.find(example).is_empty(),
                "pattern {i} does not catch its example {example:?}"
            );
        }
    }

    #[test]
    fn case_does_not_matter() {
        assert!(offered("I WANT TO DIE"));
        assert!(offered("i want to die"));
        assert!(offered("I Can't Go On Anymore."));
        assert!(!offered("I'M DYING TO SEE YOU"));
    }

    #[test]
    fn curly_and_missing_apostrophes_read_like_straight_ones() {
        assert!(offered("I don’t want to live anymore."));
        assert!(offered("I can’t go on."));
        assert!(offered("i dont want to live anymore"));
        assert!(offered("im going to kill myself"));
        assert!(offered("i cant take it anymore"));
        // A denial is a denial however it is spelled.
        assert!(!offered("I don’t want to die."));
        assert!(!offered("i dont want to die"));
    }

    #[test]
    fn kms_is_read_on_its_own_but_not_as_kilometres() {
        assert!(offered("kms"));
        assert!(offered("ugh, kms"));
        assert!(offered("im gonna kms"));
        assert!(!offered("We drove 300 kms today."));
    }

    #[test]
    fn wording_buried_in_a_long_letter_is_found_where_it_stands() {
        let paragraph = "I have been thinking about everything you said on Sunday, and about                          the promises we made to each other. Some days are easier than others.                          I'm trying to be honest with you, and with myself.\n\n";
        let crisis = "Some nights I don't want to wake up tomorrow.";
        let letter = format!(
            "{}{crisis}\n\n{}",
            paragraph.repeat(40),
            paragraph.repeat(40)
        );
        // Given a long letter with one crisis sentence in the middle, when read, then help is
        // offered, and the match lies inside that sentence.
        let (start, end) = first_match(&letter).expect("found");
        let at = letter.find(crisis).expect("in the letter");
        assert!(at <= start && end <= at + crisis.len());
        // And the same letter without it is left alone.
        assert!(!offered(&paragraph.repeat(80)));
    }

    #[test]
    fn empty_and_punctuation_only_text_is_left_alone() {
        assert!(!offered(""));
        assert!(!offered("   \n\n  "));
        assert!(!offered(" … !? , — ' ’ "));
    }

    #[test]
    fn a_match_never_crosses_the_end_of_a_sentence() {
        assert!(!offered("I want to. Die Hard is my favourite film."));
        assert!(!offered("I can't keep going to the gym. Any more excuses?"));
    }

    #[test]
    fn denials_are_respected_but_not_hedges() {
        assert!(!offered("I'm not going to kill myself, don't worry."));
        assert!(!offered("I've never thought about killing myself."));
        assert!(!offered("I would never hurt myself, I promise."));
        assert!(!offered("I'm not suicidal."));
        assert!(offered(
            "I'm not saying I want to die, but some days are very dark."
        ));
        assert!(offered("I'm not actively suicidal, but I think about it."));
    }

    #[test]
    fn thoughts_of_dying_in_the_past_are_offered_help() {
        assert!(offered("I wanted to die when I found out."));
        assert!(offered("I tried to kill myself years ago."));
        assert!(offered("Last year I couldn't go on, and I'm better now."));
    }

    #[test]
    fn someone_else_s_death_or_a_story_about_suicide_is_left_alone() {
        assert!(!offered("My brother tried to commit suicide."));
        assert!(!offered("He committed suicide when I was twelve."));
        assert!(!offered("Her suicidal thoughts scared me."));
        assert!(!offered("We read a book about suicidal teenagers."));
        assert!(!offered("He died of an overdose."));
        assert!(offered("I've thought about suicide."));
    }

    #[test]
    fn cant_go_on_is_offered_unless_it_is_about_a_task_or_the_relationship() {
        assert!(offered("I can't do this anymore, I'm so tired."));
        assert!(offered("I can't keep going like this."));
        assert!(!offered("I can't do this anymore, the lies are too much."));
        assert!(!offered("I can't go on like this with you lying to me."));
        assert!(!offered("I can't go on living a lie."));
        assert!(!offered("I can't take it anymore when you lie."));
        assert!(!offered("I can't cope with the kids' schedule."));
    }

    #[test]
    fn figures_of_speech_about_dying_are_left_alone() {
        assert!(!offered("I was so embarrassed I wanted to die."));
        assert!(!offered("I nearly killed myself falling down the stairs."));
        assert!(!offered("I'm killing myself over this."));
        assert!(!offered("I nearly jumped out of my skin."));
        assert!(!offered("I overdosed on chocolate."));
        assert!(!offered("The affair ended my life as I knew it."));
        assert!(!offered("You ended my life when you cheated."));
        assert!(!offered("I don't want to live without you."));
        assert!(!offered("Our marriage is not worth living for."));
        // Shame after a betrayal may be meant.
        assert!(offered("I was so ashamed I wanted to die."));
    }

    #[test]
    fn self_harm_is_offered_help_but_accidents_and_figures_of_speech_are_not() {
        assert!(offered("I'll hurt myself if you go."));
        assert!(offered("I started cutting myself when you left."));
        assert!(offered("I've been cutting myself at night."));
        assert!(!offered("I cut myself again while shaving."));
        assert!(!offered("I keep hurting myself by checking your phone."));
        assert!(!offered("I started cutting myself off from friends."));
        assert!(!offered("I've been cutting myself some slack."));
    }

    #[test]
    fn a_long_text_is_read_without_trouble() {
        // Given a text far longer than anything written here, with every word a possible
        // start of a phrase, when read, then it finishes and finds nothing.
        let text = "not want to be here with you at the end of the day ".repeat(2_000);
        assert!(!offered(&text));
    }
}
