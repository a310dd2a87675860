"""Numbered schema migrations, append-only.

Each entry is applied once, in order, together with its `PRAGMA user_version` bump in one
transaction. Never edit a migration that has shipped: add the next number instead.

Content tables (prefix-free names below the CONTENT marker) are emptied and reloaded by every seed;
community tables (rules, progress, audit log, trivia history) belong to the servers and members and a
seed never touches them.
"""

from __future__ import annotations

CONTENT_TABLES = (
    "pack_info",
    "sources",
    "figures",
    "aliases",
    "relationships",
    "facts",
    "episodes",
    "recap_lines",
    "spoiler_keywords",
    "questions",
    "passages",
    "quotes",
)

MIGRATIONS: list[tuple[int, str]] = [
    (
        1,
        """
        -- CONTENT: reloaded by every seed --------------------------------------------------
        CREATE TABLE pack_info (key TEXT PRIMARY KEY, value TEXT NOT NULL);
        CREATE TABLE sources (
            id TEXT PRIMARY KEY, file TEXT NOT NULL, title TEXT NOT NULL, kind TEXT NOT NULL,
            format TEXT NOT NULL, author TEXT, position INTEGER NOT NULL
        );
        -- characters of the fiction and real people, told apart by `kind`
        CREATE TABLE figures (
            id TEXT PRIMARY KEY, kind TEXT NOT NULL CHECK (kind IN ('character', 'person')),
            name TEXT NOT NULL, unnamed INTEGER NOT NULL DEFAULT 0, role TEXT NOT NULL,
            actor TEXT, actor_source TEXT, actor_evidence TEXT,
            bio TEXT NOT NULL, source TEXT NOT NULL, evidence TEXT NOT NULL, position INTEGER NOT NULL,
            episode INTEGER  -- set when the figure's very existence is a reveal
        );
        CREATE TABLE aliases (
            figure_id TEXT NOT NULL REFERENCES figures(id) ON DELETE CASCADE,
            name TEXT NOT NULL, kind TEXT NOT NULL, episode INTEGER, note TEXT,
            source TEXT NOT NULL, evidence TEXT NOT NULL, position INTEGER NOT NULL
        );
        CREATE INDEX aliases_figure ON aliases(figure_id);
        CREATE TABLE relationships (
            figure_id TEXT NOT NULL REFERENCES figures(id) ON DELETE CASCADE,
            to_id TEXT NOT NULL REFERENCES figures(id) ON DELETE CASCADE,
            relation TEXT NOT NULL, episode INTEGER,
            source TEXT NOT NULL, evidence TEXT NOT NULL, position INTEGER NOT NULL
        );
        CREATE INDEX relationships_figure ON relationships(figure_id);
        CREATE TABLE facts (
            figure_id TEXT NOT NULL REFERENCES figures(id) ON DELETE CASCADE,
            text TEXT NOT NULL, episode INTEGER,
            source TEXT NOT NULL, evidence TEXT NOT NULL, position INTEGER NOT NULL
        );
        CREATE INDEX facts_figure ON facts(figure_id);
        CREATE TABLE episodes (
            number INTEGER PRIMARY KEY, title TEXT, title_source TEXT, title_evidence TEXT,
            covered INTEGER NOT NULL, summary TEXT
        );
        CREATE TABLE recap_lines (
            episode INTEGER NOT NULL REFERENCES episodes(number) ON DELETE CASCADE,
            position INTEGER NOT NULL, text TEXT NOT NULL, source TEXT NOT NULL, evidence TEXT NOT NULL,
            PRIMARY KEY (episode, position)
        );
        CREATE TABLE spoiler_keywords (
            episode INTEGER NOT NULL REFERENCES episodes(number) ON DELETE CASCADE,
            keyword TEXT NOT NULL
        );
        CREATE TABLE questions (
            id TEXT PRIMARY KEY, question TEXT NOT NULL, answer TEXT NOT NULL,
            wrong1 TEXT NOT NULL, wrong2 TEXT NOT NULL, wrong3 TEXT NOT NULL,
            difficulty TEXT NOT NULL, category TEXT NOT NULL, episode INTEGER,
            source TEXT NOT NULL, evidence TEXT NOT NULL
        );
        CREATE INDEX questions_filter ON questions(category, difficulty, episode);
        -- a review of a review document, or a whole article
        CREATE TABLE passages (
            id INTEGER PRIMARY KEY, source TEXT NOT NULL REFERENCES sources(id) ON DELETE CASCADE,
            position INTEGER NOT NULL, headline TEXT NOT NULL, spoiler_flag INTEGER NOT NULL,
            body TEXT NOT NULL, UNIQUE (source, position)
        );
        -- quotable sentences; `episode` is what the sentence can spoil (keywords, or the review's flag)
        CREATE TABLE quotes (
            id INTEGER PRIMARY KEY, passage_id INTEGER NOT NULL REFERENCES passages(id) ON DELETE CASCADE,
            position INTEGER NOT NULL, text TEXT NOT NULL, episode INTEGER
        );
        CREATE INDEX quotes_passage ON quotes(passage_id, position);
        CREATE VIRTUAL TABLE quotes_fts USING fts5(
            text, content='quotes', content_rowid='id',
            tokenize='unicode61 remove_diacritics 2', prefix='2 3'
        );

        -- COMMUNITY: never touched by a seed ---------------------------------------------------
        CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
        CREATE TABLE guild_settings (
            guild_id INTEGER PRIMARY KEY,
            spoiler_mode TEXT CHECK (spoiler_mode IN ('off', 'mask', 'hide')),
            horizon INTEGER CHECK (horizon >= 0),
            moderator_role_id INTEGER,
            guard_enabled INTEGER NOT NULL DEFAULT 0,
            guard_action TEXT NOT NULL DEFAULT 'warn' CHECK (guard_action IN ('warn', 'repost')),
            trivia_seconds INTEGER NOT NULL DEFAULT 20 CHECK (trivia_seconds BETWEEN 10 AND 60),
            trivia_length INTEGER NOT NULL DEFAULT 5 CHECK (trivia_length BETWEEN 1 AND 20)
        );
        CREATE TABLE channel_rules (
            guild_id INTEGER NOT NULL, channel_id INTEGER NOT NULL,
            spoiler_mode TEXT CHECK (spoiler_mode IN ('off', 'mask', 'hide')),
            horizon INTEGER CHECK (horizon >= 0),
            PRIMARY KEY (guild_id, channel_id)
        );
        CREATE TABLE audit_log (
            id INTEGER PRIMARY KEY, guild_id INTEGER NOT NULL, user_id INTEGER NOT NULL,
            user_name TEXT NOT NULL, at TEXT NOT NULL, scope TEXT NOT NULL, setting TEXT NOT NULL,
            old_value TEXT, new_value TEXT
        );
        CREATE INDEX audit_log_guild ON audit_log(guild_id, id);
        CREATE TABLE member_progress (
            user_id INTEGER PRIMARY KEY, episode INTEGER NOT NULL CHECK (episode >= 0), updated_at TEXT NOT NULL
        );
        CREATE TABLE trivia_games (
            id INTEGER PRIMARY KEY, guild_id INTEGER NOT NULL, channel_id INTEGER NOT NULL,
            started_by INTEGER NOT NULL, started_at TEXT NOT NULL, ended_at TEXT,
            status TEXT NOT NULL DEFAULT 'running'
        );
        CREATE INDEX trivia_games_running ON trivia_games(status, channel_id);
        CREATE TABLE trivia_answers (
            game_id INTEGER NOT NULL REFERENCES trivia_games(id) ON DELETE CASCADE,
            question_id TEXT NOT NULL, guild_id INTEGER NOT NULL, user_id INTEGER NOT NULL,
            correct INTEGER NOT NULL, points INTEGER NOT NULL, answered_at TEXT NOT NULL,
            PRIMARY KEY (game_id, question_id, user_id)
        );
        CREATE INDEX trivia_answers_board ON trivia_answers(guild_id, answered_at);
        CREATE TABLE trivia_members (
            guild_id INTEGER NOT NULL, user_id INTEGER NOT NULL,
            answered INTEGER NOT NULL DEFAULT 0, correct INTEGER NOT NULL DEFAULT 0,
            points INTEGER NOT NULL DEFAULT 0, streak INTEGER NOT NULL DEFAULT 0,
            best_streak INTEGER NOT NULL DEFAULT 0,
            PRIMARY KEY (guild_id, user_id)
        );
        CREATE TABLE trivia_asked (
            guild_id INTEGER NOT NULL, question_id TEXT NOT NULL, last_asked_at TEXT NOT NULL,
            times INTEGER NOT NULL DEFAULT 1, PRIMARY KEY (guild_id, question_id)
        );
        CREATE TABLE leaderboard_optout (user_id INTEGER PRIMARY KEY, at TEXT NOT NULL);
        """,
    ),
    (
        2,
        """
        -- /mydata show|delete look a member up across every server
        CREATE INDEX trivia_answers_user ON trivia_answers(user_id);
        CREATE INDEX trivia_members_user ON trivia_members(user_id);
        """,
    ),
    # 3 and 4 added seed-time search rankings, which 5 drops again: a database still below 3 skips them.
    (3, "SELECT 1;"),
    (4, "SELECT 1;"),
    (
        5,
        """
        -- search is FTS5's own (bm25, highlight): the seed-time rankings and word lists of 3 and 4 go
        DROP TABLE IF EXISTS quote_word_postings;
        DROP TABLE IF EXISTS quote_top_matches;
        DROP TABLE IF EXISTS quote_word_counts;
        """,
    ),
]

LATEST_VERSION = MIGRATIONS[-1][0]
