// Package shape holds tests of the source tree's shape: how long its
// functions and files may grow.
package shape

import (
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"path/filepath"
	"sort"
	"strings"
	"testing"
)

// Limits outside tests: a function of more than maxFuncLines lines or a
// file of more than maxFileLines is split into named steps or files.
const (
	maxFuncLines = 80
	maxFileLines = 600
)

// longFuncs are the functions allowed over the limit, each with its reason.
// A function leaves this list when it is split; none may join it without a
// reason a reviewer accepts.
var longFuncs = map[string]string{
	"internal/app/app.go:build":       "the wiring, in the order things start; split, the order would be hidden",
	"internal/config/config.go:Parse": "one flag per setting, in the README's order",
}

// source walks the module's Go files outside tests.
func source(t *testing.T, fn func(path string, fset *token.FileSet, f *ast.File)) {
	t.Helper()
	root := filepath.Join("..", "..")
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && (d.Name() == "testdata" || d.Name() == "node_modules" || strings.HasPrefix(d.Name(), ".") && path != root) {
			return filepath.SkipDir
		}
		if d.IsDir() || !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") {
			return nil
		}
		fset := token.NewFileSet()
		f, err := parser.ParseFile(fset, path, nil, parser.SkipObjectResolution)
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(root, path)
		fn(filepath.ToSlash(rel), fset, f)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

func TestFunctionLength(t *testing.T) {
	var over []string
	long := map[string]bool{}
	source(t, func(path string, fset *token.FileSet, f *ast.File) {
		for _, d := range f.Decls {
			fd, ok := d.(*ast.FuncDecl)
			if !ok || fd.Body == nil {
				continue
			}
			n := fset.Position(fd.End()).Line - fset.Position(fd.Pos()).Line + 1
			name := fd.Name.Name
			if fd.Recv != nil && len(fd.Recv.List) > 0 {
				name = recvName(fd.Recv.List[0].Type) + "." + name
			}
			key := path + ":" + name
			if n > maxFuncLines {
				long[key] = true
				if _, ok := longFuncs[key]; !ok {
					over = append(over, key+" "+itoa(n))
				}
			}
		}
	})
	for key := range longFuncs {
		if !long[key] {
			over = append(over, key+" is named as long but is not (take it off longFuncs)")
		}
	}
	sort.Strings(over)
	for _, o := range over {
		t.Errorf("function over %d lines: %s", maxFuncLines, o)
	}
}

func TestFileLength(t *testing.T) {
	source(t, func(path string, fset *token.FileSet, f *ast.File) {
		if n := fset.File(f.Pos()).LineCount(); n > maxFileLines {
			t.Errorf("file over %d lines: %s %d", maxFileLines, path, n)
		}
	})
}

func recvName(e ast.Expr) string {
	switch x := e.(type) {
	case *ast.StarExpr:
		return recvName(x.X)
	case *ast.Ident:
		return x.Name
	case *ast.IndexExpr:
		return recvName(x.X)
	}
	return "?"
}

func itoa(n int) string {
	s := ""
	for n > 0 {
		s = string(rune('0'+n%10)) + s
		n /= 10
	}
	return s
}
