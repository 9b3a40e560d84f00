package filter

import (
	"unicode/utf8"
)

// checkText checks the structure of s: that it is UTF-8, that strings
// end, that brackets balance, that value filters do not nest, and that (
// and [ nest no deeper than maxDepth. The parser finds all of these too,
// but not always first: in `emails type eq "work"]` it stops at "type".
// So when it fails, checkText runs over the whole text, and the problem
// it finds, if any, is reported instead, being the likelier cause.
func checkText(s string, maxDepth int) error {
	if !utf8.ValidString(s) {
		return errFilter("filter is not valid UTF-8")
	}
	var stack []byte // open brackets; bounded by maxDepth
	var at []int     // their positions
	inBracket := false
	for i := 0; i < len(s); i++ {
		switch c := s[i]; c {
		case '"':
			j := endOfString(s, i)
			if j < 0 {
				return errFilter("string starting at position %d has no closing quote", pos(s, i))
			}
			i = j - 1
		case '(', '[':
			if c == '[' && inBracket {
				return errFilter("value filters cannot be nested (\"[\" at position %d)", pos(s, i))
			}
			inBracket = inBracket || c == '['
			if len(stack) >= maxDepth {
				return errFilter("filter nests deeper than %d levels", maxDepth)
			}
			stack = append(stack, c)
			at = append(at, i)
		case ')', ']':
			open := byte('(')
			if c == ']' {
				open = '['
			}
			if len(stack) == 0 || stack[len(stack)-1] != open {
				return errFilter("unexpected %q at position %d", string(c), pos(s, i))
			}
			stack = stack[:len(stack)-1]
			at = at[:len(at)-1]
			inBracket = inBracket && c != ']'
		}
	}
	if n := len(stack); n > 0 {
		closer := ")"
		if stack[n-1] == '[' {
			closer = "]"
		}
		return errFilter("missing %q for %q at position %d", closer, string(stack[n-1]), pos(s, at[n-1]))
	}
	return nil
}

// pos returns the 1-based character position of byte offset i in s.
func pos(s string, i int) int {
	return utf8.RuneCountInString(s[:i]) + 1
}

// endOfString returns the offset just past the string literal starting
// at s[i] == '"', or -1 if it does not end.
func endOfString(s string, i int) int {
	for j := i + 1; j < len(s); j++ {
		switch s[j] {
		case '\\':
			j++
		case '"':
			return j + 1
		}
	}
	return -1
}

// closingBracket returns the offset of the "]" that closes the "[" at
// s[i], skipping string literals; -1 if there is none, -2 if another "["
// comes first.
func closingBracket(s string, i int) int {
	for j := i + 1; j < len(s); j++ {
		switch s[j] {
		case '"':
			k := endOfString(s, j)
			if k < 0 {
				return -1
			}
			j = k - 1
		case '[':
			return -2
		case ']':
			return j
		}
	}
	return -1
}

// plainQuote quotes s for a message without escaping the quotes inside
// it, which would make a filter harder to read.
func plainQuote(s string) string {
	return `"` + s + `"`
}
