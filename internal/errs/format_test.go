package errs

import (
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// formatters are the functions that take a Chinese and an English format
// sharing one list of arguments. go vet checks a format only when it is the
// last parameter before the arguments, so it cannot see the Chinese one.
var formatters = map[string]bool{"Invalidf": true, "NotFoundf": true, "Conflictf": true}

// verbs counts the arguments a format consumes; ok is false for formats it
// does not follow (explicit argument indexes).
func verbs(format string) (n int, ok bool) {
	for i := 0; i < len(format); i++ {
		if format[i] != '%' {
			continue
		}
		i++
		for i < len(format) && strings.IndexByte("+-# 0123456789.*", format[i]) >= 0 {
			if format[i] == '*' {
				n++
			}
			i++
		}
		if i >= len(format) {
			return n, false
		}
		switch format[i] {
		case '%':
		case '[':
			return n, false
		default:
			n++
		}
	}
	return n, true
}

// TestFormatArguments reads every Go file of the module and checks each call
// of Invalidf, NotFoundf and Conflictf: both formats consume exactly the
// arguments given, so no message shows %!(EXTRA …) or %!s(MISSING).
func TestFormatArguments(t *testing.T) {
	root := filepath.Join("..", "..")
	fset := token.NewFileSet()
	checked := 0
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && (strings.HasPrefix(d.Name(), ".") || d.Name() == "testdata" || d.Name() == "node_modules") && path != root {
			return filepath.SkipDir
		}
		if d.IsDir() || !strings.HasSuffix(path, ".go") {
			return nil
		}
		f, err := parser.ParseFile(fset, path, nil, 0)
		if err != nil {
			return err
		}
		ast.Inspect(f, func(n ast.Node) bool {
			call, ok := n.(*ast.CallExpr)
			if !ok || len(call.Args) < 2 || call.Ellipsis.IsValid() {
				return true
			}
			var name string
			switch fn := call.Fun.(type) {
			case *ast.SelectorExpr:
				if x, ok := fn.X.(*ast.Ident); ok && x.Name == "errs" {
					name = fn.Sel.Name
				}
			case *ast.Ident:
				if f.Name.Name == "errs" {
					name = fn.Name
				}
			}
			if !formatters[name] {
				return true
			}
			args := len(call.Args) - 2
			for i, lang := range []string{"Chinese", "English"} {
				lit, ok := call.Args[i].(*ast.BasicLit)
				if !ok || lit.Kind != token.STRING {
					continue
				}
				s, err := strconv.Unquote(lit.Value)
				if err != nil {
					continue
				}
				if n, ok := verbs(s); ok && n != args {
					t.Errorf("%s: %s: the %s format %q takes %d arguments, given %d", fset.Position(call.Pos()), name, lang, s, n, args)
				}
				checked++
			}
			return true
		})
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if checked < 100 {
		t.Fatalf("only %d formats found: is the walk reading the module?", checked)
	}
}

func TestVerbs(t *testing.T) {
	for s, want := range map[string]int{"": 0, "a %s b": 1, "%d%%": 1, "%q and %v": 2, "%5.2f": 1, "%*d": 2, "100%%": 0} {
		if n, ok := verbs(s); !ok || n != want {
			t.Errorf("verbs(%q) = %d, %v; want %d", s, n, ok, want)
		}
	}
}
