"""Knowledge: acquire, store and retrieve literature and compound records."""
