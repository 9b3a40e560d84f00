package filter

import (
	"math"
	"strconv"
	"strings"
)

// format prints e in canonical filter syntax. The output parses back to an
// equal tree: operands are parenthesised where precedence or the left
// associativity of and/or would otherwise regroup them.
func format(e Expr) string {
	var b strings.Builder
	writeExpr(&b, e, false)
	return b.String()
}

// writeExpr writes e to b. rel is set inside a value path, where compare
// attributes are written as bare sub-attribute names.
func writeExpr(b *strings.Builder, e Expr, rel bool) {
	switch e := e.(type) {
	case *And:
		writeOperand(b, e.Left, rel, isOr(e.Left))
		b.WriteString(" and ")
		writeOperand(b, e.Right, rel, isOr(e.Right) || isAnd(e.Right))
	case *Or:
		writeOperand(b, e.Left, rel, false)
		b.WriteString(" or ")
		writeOperand(b, e.Right, rel, isOr(e.Right))
	case *Not:
		if e == nil {
			return
		}
		b.WriteString("not (")
		writeExpr(b, e.X, rel)
		b.WriteByte(')')
	case *Compare:
		if e == nil {
			return
		}
		if rel && e.Attr.Sub != nil {
			b.WriteString(e.Attr.Sub.Name)
		} else {
			b.WriteString(e.Attr.String())
		}
		b.WriteByte(' ')
		b.WriteString(string(e.Op))
		if e.Op != Pr {
			b.WriteByte(' ')
			writeValue(b, e.Value)
		}
	case *ValuePath:
		if e == nil {
			return
		}
		b.WriteString(e.Attr.String())
		b.WriteByte('[')
		writeExpr(b, e.Filter, true)
		b.WriteByte(']')
	}
}

func writeOperand(b *strings.Builder, e Expr, rel, paren bool) {
	if paren {
		b.WriteByte('(')
	}
	writeExpr(b, e, rel)
	if paren {
		b.WriteByte(')')
	}
}

func isOr(e Expr) bool {
	x, ok := e.(*Or)
	return ok && x != nil
}

func isAnd(e Expr) bool {
	x, ok := e.(*And)
	return ok && x != nil
}

// writeValue writes a compare value as a JSON literal.
func writeValue(b *strings.Builder, v any) {
	switch v := v.(type) {
	case nil:
		b.WriteString("null")
	case bool:
		b.WriteString(strconv.FormatBool(v))
	case string:
		writeQuoted(b, v)
	case int64:
		b.WriteString(strconv.FormatInt(v, 10))
	case int:
		b.WriteString(strconv.Itoa(v))
	case float64:
		if math.IsNaN(v) || math.IsInf(v, 0) {
			b.WriteString("null")
			return
		}
		s := strconv.FormatFloat(v, 'g', -1, 64)
		b.WriteString(s)
		if !strings.ContainsAny(s, ".eE") {
			// Keep it a decimal so it parses back as float64.
			b.WriteString(".0")
		}
	default:
		// Not produced by Parse; write something that fails to parse
		// rather than something that means another thing.
		b.WriteString("?")
	}
}

// writeQuoted writes s as a JSON string literal that strconv.Unquote also
// accepts: quote, backslash and control characters are escaped, all else
// is written as UTF-8.
func writeQuoted(b *strings.Builder, s string) {
	const hex = "0123456789ABCDEF"
	b.WriteByte('"')
	start := 0
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c >= 0x20 && c != '"' && c != '\\' && c != 0x7f {
			continue
		}
		b.WriteString(s[start:i])
		start = i + 1
		switch c {
		case '"':
			b.WriteString(`\"`)
		case '\\':
			b.WriteString(`\\`)
		case '\n':
			b.WriteString(`\n`)
		case '\r':
			b.WriteString(`\r`)
		case '\t':
			b.WriteString(`\t`)
		case '\b':
			b.WriteString(`\b`)
		case '\f':
			b.WriteString(`\f`)
		default:
			b.WriteString(`\u00`)
			b.WriteByte(hex[c>>4])
			b.WriteByte(hex[c&0xf])
		}
	}
	b.WriteString(s[start:])
	b.WriteByte('"')
}
