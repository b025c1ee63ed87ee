// anchor so the helper library is never empty
