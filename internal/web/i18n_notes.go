package web

// notesMessages are the words of who reads a note (internal or told to the
// resident) and of the place a consultation does without.
var notesMessages = map[string][2]string{
	"note.sight.staff":    {"仅内部可见：居民看不到这段备注。", "Staff only: the resident does not see this note."},
	"note.sight.tell":     {"默认仅内部可见；勾选“告知居民”后，居民将在办理进度中读到这段文字。", "Staff only unless you tick “tell the resident”: then the resident reads this text in her ticket's progress."},
	"note.sight.resident": {"居民可见：居民将读到这段文字。", "The resident reads this text."},
	"note.tell":           {"告知居民（居民将看到这段备注）", "Tell the resident (she will read this note)"},
	"note.told":           {"已告知居民", "told to the resident"},
}
