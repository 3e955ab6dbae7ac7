//! Fear wording: whether text a person wrote speaks of being afraid of their partner, of
//! threats, violence, intimidation or control between them, or of not feeling safe with
//! them. Before such text reaches the partner the web layer tells the author first ("Sam
//! will see this"), with the safety page one click away and the choice not to send. The
//! patterns come in the next step; this first version only fixes the phrasings they will
//! be measured on, before any of them is written.

use std::sync::OnceLock;

use super::checks::{Pattern, Phrases};

/// The phrases, each with an example it catches (a test checks that it does).
const PATTERNS: &[(Pattern, &str)] = &[];

/// True when `text` speaks of fear of the partner, threats, violence, intimidation,
/// coercive control or not feeling safe with them. Never panics; the same text always gives
/// the same answer.
pub fn speaks_of_fear(text: &str) -> bool {
    first_match(text).is_some()
}

/// Where the first fear wording stands, as a byte range. Only for tests and for reasoning
/// about a match: the warning never quotes it back.
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
    // write here (letters, check-in notes, questions, answers, reports). A row moves between
    // the tables only when what the detector does with it changes; its words never change to
    // fit a pattern.

    /// Wording about fear of the partner, threats, violence, intimidation, control or not
    /// feeling safe with them, in either direction: the author is warned before it is sent.
    const FEAR: &[&str] = &[];

    /// Fear of losing the partner or of being hurt emotionally again, ordinary worry, safety
    /// in other senses, idioms and past hurt without violence: sent without a warning.
    const NOT_FEAR: &[&str] = &[
        "I'm scared of losing you.",
        "I'm afraid you'll leave me when you hear the rest.",
        "I'm afraid we won't make it.",
        "I'm afraid you'll lie to me again.",
        "I'm scared you'll hurt me again the way you did with her.",
        "I'm afraid I'll forget our anniversary again.",
        "I've always been scared of flying.",
        "I'm afraid I can't make it Tuesday.",
        "Is the session cancelled? I'm afraid so.",
        "Drive safely tonight.",
        "I want this to be a safe space to talk.",
        "Keep the documents safe until we see the lawyer.",
        "You killed it at the party.",
        "What you said about her really hit me hard.",
        "The news hit me like a truck.",
        "It's killing me not to talk to you.",
        "You hurt me more than anyone ever has.",
        "You broke my heart.",
        "I'm scared to tell you what I did.",
        "I'm afraid of how you'll react, but you deserve the truth.",
        "I feel safe with you again.",
        "You make me feel safe.",
        "I don't feel safe telling you how I feel yet.",
        "You threatened to leave me if I saw her again.",
        "I felt threatened by your friendship with her.",
        "I pushed you away for years.",
        "You pushed me to be honest, and I'm grateful.",
        "I would never hurt you.",
        "I never wanted to hurt you.",
        "I'm so sorry I hurt you.",
        "Don't kill me, but I lost the car keys.",
        "You grabbed me a coffee on the way home, thank you.",
        "Can you take the kids on Saturday?",
        "You'll take the kids to swimming, right?",
        "I read your messages without asking, and I'm sorry.",
        "You read my messages without asking.",
        "You go through my phone every night.",
        "You track our budget better than I do.",
        "You follow me on Instagram but never like my posts.",
        "Nobody would believe how hard this year has been.",
        "I can't believe you beat me at chess again.",
        "You kicked me out of the group chat, lol.",
        "I'm walking on eggshells around you since I told you.",
        "My dad was violent and I'm scared of turning into him.",
        "You slammed the door when you left.",
        "You yelled at me in the car.",
        "I'm scared of what people will think.",
        "I'm worried about what you might do to yourself.",
        "You were scary good at the quiz.",
        "That film about domestic violence made me cry.",
        "My sister's husband hit her and she finally left him.",
        "Thank you for keeping me safe during the storm.",
        "I hit the wall at mile twenty of the marathon.",
        "You're killing me with these puns.",
        "I'm terrified of spiders, remember?",
        "I'm afraid of being hurt again.",
        "You scared me when you didn't answer your phone all night.",
        "You took my keys by mistake this morning.",
        "It's not safe to leave the car unlocked there.",
        "I'm not safe to drive after two glasses.",
        "Your secret is safe with me.",
        "If you leave, I'll understand.",
        "I promise I'll never hurt you again.",
        "I'm afraid I'll hurt you again without meaning to.",
        "You said you'd never hurt me again.",
        "I'm so scared. What if we can't fix this?",
        "You're scaring me, please tell me you're okay.",
        "I could kill you for eating the last of the cake.",
        "I wanted to hurt you the way you hurt me.",
        "I'm afraid I won't see the kids as much if we split up.",
        "You won't let me explain.",
        "You won't let me help with the dishes.",
        "I'm not afraid of you, I'm afraid of losing you.",
        "I need to feel safe before I can trust you again.",
    ];

    /// Fear wording the patterns do not catch: the limits of a phrase table, kept so the
    /// measured rate is honest. Move a row to FEAR when it starts being caught.
    const KNOWN_MISSES: &[&str] = &[
        "I'm afraid of you.",
        "Sometimes I'm scared of what you'll do when you've been drinking.",
        "You threatened me in front of the kids.",
        "You said you'd hurt me if I ever told anyone.",
        "You told me you would kill me if I left.",
        "You hit me on Saturday night and I still can't stop shaking.",
        "When you pushed me against the wall I thought something in me would break.",
        "you grabbed my wrist so hard it bruised",
        "You choked me.",
        "You shoved me into the door frame.",
        "I don't feel safe with you.",
        "I don't feel safe at home anymore.",
        "You frighten me when you shout like that.",
        "I'm terrified when you drink.",
        "You took my phone and won't give it back.",
        "You hid my car keys so I couldn't leave.",
        "You won't let me see my friends anymore.",
        "You don't let me visit my family without you there.",
        "You've been tracking my phone without telling me.",
        "You punched the wall next to my head.",
        "You broke the bedroom door when I locked myself in.",
        "You said no one would believe me.",
        "If I leave you'll take the kids, that's what you said.",
        "You told me I'd never see the children again.",
        "I'll hurt you if you do that again.",
        "When I read those messages I wanted to kill you.",
        "If you leave me I'll make your life hell.",
        "im scared of u",
        "i dont feel safe around you",
        "I’m afraid of what you’ll do if I say no.",
        "you threatend me again last night",
        "I'm so affraid of you when you get angry",
        "YOU HIT ME",
        "You scare me sometimes.",
        "I'm frightened of your temper.",
        "I fear for my safety when you're home.",
        "You put your hands around my throat.",
        "You threw a plate at me.",
        "You smashed my phone so I couldn't call anyone.",
        "You blocked the door so I couldn't get out.",
        "You wouldn't let me leave the room.",
        "You said you'd take the kids abroad and I'd never find them.",
        "You follow me to work to see who I talk to.",
        "You put a tracker on my car.",
        "I flinch every time you raise your voice.",
        "You've hit me before and I'm scared it will happen again.",
        "You took my passport and locked it in your desk.",
        "Last night you pinned me down and I couldn't breathe.",
        "I'm scared to come home when you're like this.",
        "You told me that if I went to the police nobody would believe me.",
        "I don't feel safe in my own home.",
        "I'm afraid you're going to hurt me.",
        "You said you'd kill yourself if I left you.",
        "Stop threatening me.",
        "I feel threatened when you stand over me like that.",
        "You cut me off from my family.",
        "You said you'd post the photos if I leave.",
        "If you go I'll make sure you never see the kids again.",
        "I nearly hit you last night and that scares me.",
        "You get violent when you drink.",
        "You kicked me while I was on the floor.",
        "I slapped you and I'm so sorry.",
        "You spat at me.",
        "You raised your fist at me.",
        "Your threats have to stop.",
        "I'm in danger when you're like this.",
        "You pulled my hair.",
        "Im terrifed of you",
        "You said you'd kick me out with nothing if I told anyone.",
        "I made a safety plan because of you.",
        "You won't take no for an answer when I say I don't want sex.",
        "I don't feel safe leaving the kids alone with you.",
    ];

    /// Wording that is warned about but should not be, kept for the same honesty.
    const KNOWN_FALSE_ALARMS: &[&str] = &[];

    /// Written with the corpus, before any pattern, and never used to tune one: how the
    /// patterns do on these is the better guess at text nobody here has read. Each row says
    /// whether the author should be warned. Rows stay put whatever the detector does with
    /// them.
    const HELD_BACK: &[(bool, &str)] = &[
        (
            true,
            "Sometimes I'm too scared to say anything when you're angry.",
        ),
        (true, "You pinned my arms so I couldn't move."),
        (true, "I'm frightened of you and I don't know who to tell."),
        (true, "You said you'd burn the house down with me in it."),
        (true, "i dont feel safe when u drink"),
        (
            true,
            "You smashed the TV and I hid in the bathroom with the kids.",
        ),
        (
            true,
            "You told me you'd make sure I lost the kids if I left.",
        ),
        (true, "I'm afraid you'll hit me again."),
        (true, "You won't let me have my own bank account."),
        (
            true,
            "You keep checking my location every hour and it scares me.",
        ),
        (true, "You shook me so hard my teeth rattled."),
        (true, "When you drink I'm scared for the kids."),
        (true, "I wanted to punch you when you said that."),
        (true, "You threatened to hurt my mum."),
        (
            true,
            "I can't sleep because I'm afraid of what you might do.",
        ),
        (true, "You held a knife and told me to shut up."),
        (true, "You dragged me out of the car."),
        (false, "I'm scared we're growing apart."),
        (false, "I'm afraid I'll mess this up again."),
        (false, "You hit the nail on the head in the session."),
        (false, "The kids feel safe at Grandma's."),
        (false, "I'm scared of how much I still love you."),
        (false, "You knocked me off my feet when we met."),
        (false, "I'm terrified of the dentist tomorrow."),
        (false, "Please keep your phone safe, it has all our photos."),
        (false, "You always beat me to the punchline."),
        (false, "That song kills me every time."),
        (false, "I'm afraid the restaurant is fully booked."),
        (
            false,
            "I'm worried you'll stop trying once things feel better.",
        ),
        (false, "You scared the cat when you dropped the pan."),
        (
            false,
            "I feel like you threw me under the bus with your mum.",
        ),
        (false, "I'm afraid of opening up and getting hurt again."),
        (false, "Our home should feel safe for both of us."),
        (
            false,
            "You shook my hand at the first session like we were strangers.",
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
    fn every_fear_phrasing_is_caught() {
        for text in FEAR {
            assert!(speaks_of_fear(text), "should warn about {text:?}");
        }
    }

    #[test]
    fn nothing_that_is_not_fear_is_caught() {
        for text in NOT_FEAR {
            assert!(
                !speaks_of_fear(text),
                "should leave {text:?} alone; matched {:?}",
                first_match(text).map(|(s, e)| &text[s..e])
            );
        }
    }

    #[test]
    fn known_limits_are_still_what_they_were() {
        for text in KNOWN_MISSES {
            assert!(
                !speaks_of_fear(text),
                "{text:?} is caught now: move it to FEAR"
            );
        }
        for text in KNOWN_FALSE_ALARMS {
            assert!(
                speaks_of_fear(text),
                "{text:?} is no longer caught: move it to NOT_FEAR"
            );
        }
    }

    #[test]
    fn corpus_rates_are_as_measured() {
        // Given every fear phrasing (known misses included) and every other one (known false
        // alarms included), when read, then the counts are exactly these.
        let fear = FEAR.len() + KNOWN_MISSES.len();
        let caught = FEAR
            .iter()
            .chain(KNOWN_MISSES)
            .filter(|t| speaks_of_fear(t))
            .count();
        let others = NOT_FEAR.len() + KNOWN_FALSE_ALARMS.len();
        let alarms = NOT_FEAR
            .iter()
            .chain(KNOWN_FALSE_ALARMS)
            .filter(|t| speaks_of_fear(t))
            .count();
        eprintln!(
            "fear: caught {caught} of {fear} ({:.1}%), false alarms {alarms} of {others} ({:.1}%)",
            rate(caught, fear),
            rate(alarms, others),
        );
        assert_eq!((caught, fear), (0, 72));
        assert_eq!((alarms, others), (0, 74));
        assert!(
            others * 3 >= fear + others,
            "a third at least must not trigger"
        );
    }

    #[test]
    fn held_back_rates_are_as_measured() {
        let fear = HELD_BACK.iter().filter(|(warn, _)| *warn).count();
        let others = HELD_BACK.len() - fear;
        let mut caught = 0;
        let mut alarms = 0;
        for &(warn, text) in HELD_BACK {
            let got = speaks_of_fear(text);
            caught += usize::from(warn && got);
            alarms += usize::from(!warn && got);
            if got != warn {
                eprintln!(
                    "fear, held back: {} {text:?}",
                    if warn { "missed" } else { "false alarm" }
                );
            }
        }
        eprintln!(
            "fear, held back: caught {caught} of {fear} ({:.1}%), false alarms {alarms} of {others} ({:.1}%)",
            rate(caught, fear),
            rate(alarms, others),
        );
        assert_eq!((caught, fear), (0, 17));
        assert_eq!((alarms, others), (0, 17));
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
}
