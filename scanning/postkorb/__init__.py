"""The caseworkers' in-tray (Postkorb): mail items the pipeline could not file alone (status zu_pruefen), routed to a
person, a team, or colleagues someone substitutes. Pages to open, file, create person and file, or forward an item;
the in-tray part of the start page (registered into dms's Arbeitsplatz)."""
