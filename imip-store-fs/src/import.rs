//! Import of an imip-agent file store (filled below).
