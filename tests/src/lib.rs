//! Test support: start a node home in a temp dir in one line.
