//! The one table of routes. Each capability's `routes()` builds a [`Routes`]; the router is
//! made from them, and the route × role test reads the paths from the same table, so no
//! route can be served without being in that test.

use axum::Router;
use axum::routing::MethodRouter;

use crate::app::App;

/// Routes, with the path of each as it was written.
#[derive(Default)]
pub struct Routes {
    router: Router<App>,
    paths: Vec<&'static str>,
}

impl Routes {
    pub fn new() -> Self {
        Self::default()
    }

    /// Serves `path` with `methods`, and lists it.
    pub fn route(mut self, path: &'static str, methods: MethodRouter<App>) -> Self {
        self.router = self.router.route(path, methods);
        self.paths.push(path);
        self
    }

    pub fn merge(mut self, other: Self) -> Self {
        self.router = self.router.merge(other.router);
        self.paths.extend(other.paths);
        self
    }

    /// Every path, in the order the capabilities list them.
    pub fn paths(&self) -> &[&'static str] {
        &self.paths
    }

    pub fn into_router(self) -> Router<App> {
        self.router
    }
}
