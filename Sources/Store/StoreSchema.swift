import GRDB

/// Schema history. Each migration is plain SQL in types PostgreSQL also has (TEXT, INTEGER,
/// BOOLEAN) with explicit `position` columns for ordering, so a PostgreSQL store can replay
/// the same steps. Never edit a shipped migration: add one.
enum StoreSchema {
    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1-configuration") { db in
            try db.execute(sql: """
                CREATE TABLE callLegProfiles (
                    id TEXT PRIMARY KEY NOT NULL,
                    position INTEGER NOT NULL,
                    defaultLayout TEXT,
                    qualityMain TEXT,
                    changeLayoutAllowed BOOLEAN,
                    participantLabels BOOLEAN,
                    rxAudioMute BOOLEAN,
                    txAudioMute BOOLEAN,
                    rxVideoMute BOOLEAN,
                    txVideoMute BOOLEAN,
                    sipMediaEncryption TEXT
                );
                CREATE TABLE callProfiles (
                    id TEXT PRIMARY KEY NOT NULL,
                    position INTEGER NOT NULL,
                    participantLimit INTEGER
                );
                CREATE TABLE coSpaces (
                    id TEXT PRIMARY KEY NOT NULL,
                    position INTEGER NOT NULL,
                    name TEXT,
                    uri TEXT,
                    secondaryUri TEXT,
                    callId TEXT,
                    passcode TEXT,
                    defaultLayout TEXT,
                    callLegProfile TEXT REFERENCES callLegProfiles(id) ON DELETE SET NULL,
                    callProfile TEXT REFERENCES callProfiles(id) ON DELETE SET NULL
                );
                CREATE INDEX coSpacesUri ON coSpaces (LOWER(uri));
                CREATE TABLE inboundDialPlanRules (
                    id TEXT PRIMARY KEY NOT NULL,
                    position INTEGER NOT NULL,
                    domain TEXT NOT NULL,
                    priority INTEGER,
                    resolveToCoSpaces BOOLEAN
                );
                CREATE TABLE adminUsers (
                    name TEXT PRIMARY KEY NOT NULL,
                    role TEXT NOT NULL,
                    passwordHash TEXT NOT NULL,
                    passwordChangedAt INTEGER NOT NULL
                );
                CREATE TABLE settings (
                    key TEXT PRIMARY KEY NOT NULL,
                    value TEXT NOT NULL
                );
                """)
        }
        return migrator
    }
}
