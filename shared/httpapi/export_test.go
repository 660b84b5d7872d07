package httpapi

// WrapTo is wrap for the package's external tests (log lines to w).
var WrapTo = wrap
