//! Crisis wording: whether text a person wrote speaks of ending their life or harming
//! themself, so the web layer can gently offer the author, and only the author, the help
//! page. The patterns come in the next step; this first version only fixes the phrasings
//! they will be measured on, before any of them is written.

use std::sync::OnceLock;

use super::checks::{Pattern, Phrases};

/// The phrases, each with an example it catches (a test checks that it does).
const PATTERNS: &[(Pattern, &str)] = &[];

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

    // The corpus: phrasings in our own words, written before any pattern, of the kind people
    // write here (letters, answers, check-in notes). A row moves between the tables only
    // when what the detector does with it changes; its words never change to fit a pattern.

    /// Crisis wording that is offered help.
    const CRISIS: &[&str] = &[];

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
        "I could kill myself for forgetting our anniversary.",
        "You'll be the death of me with these puns.",
        "Let's end the argument here and talk tomorrow.",
        "I gave up on the diet.",
        "Since the affair I've felt numb and lost.",
        "Your dad's funeral made me think about how short life is.",
    ];

    /// Crisis wording the patterns do not catch: the limits of a phrase table, kept so the
    /// measured rate is honest. Move a row to CRISIS when it starts being caught.
    const KNOWN_MISSES: &[&str] = &[
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
        "I bought a rope and I keep looking at it.",
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
        "I drove to the bridge last night and sat there for an hour.",
        "I don't see any point in going on.",
        "Please look after the dog for me when I'm gone.",
        "I want to hurt myself so the pain goes somewhere.",
        "I wish I could disappear forever.",
        "If you leave, I'll kill myself.",
        "I tried to kill myself before we met, and lately the thoughts are back.",
        "Sometimes I sit in the car and think about driving into a wall.",
    ];

    /// Wording that is offered help but should not be, kept for the same honesty.
    const KNOWN_FALSE_ALARMS: &[&str] = &[];

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

    fn rate(n: usize, of: usize) -> f64 {
        if of == 0 {
            0.0
        } else {
            100.0 * n as f64 / of as f64
        }
    }

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
        let crisis = CRISIS.len() + KNOWN_MISSES.len();
        let caught = CRISIS
            .iter()
            .chain(KNOWN_MISSES)
            .filter(|t| in_crisis(t))
            .count();
        let others = NOT_CRISIS.len() + KNOWN_FALSE_ALARMS.len();
        let alarms = NOT_CRISIS
            .iter()
            .chain(KNOWN_FALSE_ALARMS)
            .filter(|t| in_crisis(t))
            .count();
        eprintln!(
            "crisis: caught {caught} of {crisis} ({:.1}%), false alarms {alarms} of {others} ({:.1}%)",
            rate(caught, crisis),
            rate(alarms, others),
        );
        assert_eq!((caught, crisis), (0, 58));
        assert_eq!((alarms, others), (0, 56));
        assert!(
            others * 3 >= crisis + others,
            "a third at least must not trigger"
        );
    }

    #[test]
    fn held_back_rates_are_as_measured() {
        let crisis = HELD_BACK.iter().filter(|(offer, _)| *offer).count();
        let others = HELD_BACK.len() - crisis;
        let mut caught = 0;
        let mut alarms = 0;
        for &(offer, text) in HELD_BACK {
            let got = in_crisis(text);
            caught += usize::from(offer && got);
            alarms += usize::from(!offer && got);
            if got != offer {
                eprintln!(
                    "crisis, held back: {} {text:?}",
                    if offer { "missed" } else { "false alarm" }
                );
            }
        }
        eprintln!(
            "crisis, held back: caught {caught} of {crisis} ({:.1}%), false alarms {alarms} of {others} ({:.1}%)",
            rate(caught, crisis),
            rate(alarms, others),
        );
        assert_eq!((caught, crisis), (0, 16));
        assert_eq!((alarms, others), (0, 16));
    }
}
