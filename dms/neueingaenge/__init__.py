"""New mail for the responsible caseworker (Neueingänge): every document filed into a file is new for the file's
caseworker, her team and her substitutes until read (docs/schreibtisch.md)."""
