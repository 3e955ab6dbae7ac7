//! The demo story: a generated, believable history of one couple's repair, for the demo
//! space, the benchmarks and the screenshots. `story` writes it; writing it into a real
//! space (accounts, record) is the use case in `app::demo_space`.

mod story;

pub use story::*;
