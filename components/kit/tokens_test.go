package kit_test

import (
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"maps"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// deployedTokens are the component tokens of the shipped estate. A token is part of the URN of
// everything its component parents: renaming one replaces deployed resources unless it carries
// an alias, so this list changes only on purpose.
var deployedTokens = []string{
	"healthhub:aws:Alarms",
	"healthhub:aws:AuditTrail",
	"healthhub:aws:Cache",
	"healthhub:aws:Database",
	"healthhub:aws:DisasterRecovery",
	"healthhub:aws:EksCluster",
	"healthhub:aws:Frontend",
	"healthhub:aws:Function",
	"healthhub:aws:Keys",
	"healthhub:aws:LoadBalancer",
	"healthhub:aws:Network",
	"healthhub:aws:PlatformAlarms",
	"healthhub:aws:Secrets",
	"healthhub:aws:SecureBucket",
	"healthhub:aws:SecurityAlerts",
	"healthhub:aws:ServiceApi",
	"healthhub:aws:StateBackend",
	"healthhub:aws:Table",
	"healthhub:aws:WebFirewall",
	"healthhub:aws:WorkloadRoles",
	"healthhub:azure:AksCluster",
	"healthhub:azure:AlertChannels",
	"healthhub:azure:AuditTrail",
	"healthhub:azure:Database",
	"healthhub:azure:Diagnostics",
	"healthhub:azure:DisasterRecovery",
	"healthhub:azure:Keys",
	"healthhub:azure:LoadBalancer",
	"healthhub:azure:Network",
	"healthhub:azure:Peering",
	"healthhub:azure:PrivateEndpoint",
	"healthhub:azure:Secrets",
	"healthhub:azure:SecureStorage",
	"healthhub:azure:WebFirewall",
	"healthhub:azure:WorkloadIdentities",
	"healthhub:gcp:AlertChannels",
	"healthhub:gcp:AuditTrail",
	"healthhub:gcp:Cache",
	"healthhub:gcp:Database",
	"healthhub:gcp:DisasterRecovery",
	"healthhub:gcp:GkeCluster",
	"healthhub:gcp:Keys",
	"healthhub:gcp:LoadBalancer",
	"healthhub:gcp:Network",
	"healthhub:gcp:Secrets",
	"healthhub:gcp:SecureBucket",
	"healthhub:gcp:WebFirewall",
	"healthhub:gcp:WorkloadIdentities",
	"healthhub:kubernetes:Access",
	"healthhub:kubernetes:AdmissionPolicies",
	"healthhub:kubernetes:Cache",
	"healthhub:kubernetes:Ingress",
	"healthhub:kubernetes:Monitoring",
	"healthhub:kubernetes:Namespaces",
	"healthhub:kubernetes:NetworkPolicies",
	"healthhub:kubernetes:StorageClass",
	"healthhub:kubernetes:Workload",
}

// tokenShape is healthhub:<cloud>:<Name>.
var tokenShape = regexp.MustCompile(`^healthhub:(aws|gcp|azure|kubernetes):[A-Z][A-Za-z0-9]*$`)

// tokenConst is one token constant found in a component package.
type tokenConst struct {
	pkg, name, value string
}

// tokenProblems reads the component packages (directory under components/ → its files) and
// reports every token that is not a unique constant of the right shape, named Type<Name>, in
// the module of the package's cloud, and every registration that does not use one.
func tokenProblems(pkgs map[string][]*ast.File) ([]tokenConst, []string) {
	var consts []tokenConst
	var problems []string
	registered := map[string]bool{}
	for _, dir := range slices.Sorted(maps.Keys(pkgs)) {
		for _, f := range pkgs[dir] {
			inConst := map[*ast.BasicLit]bool{}
			for _, decl := range f.Decls {
				gd, ok := decl.(*ast.GenDecl)
				if !ok || gd.Tok != token.CONST {
					continue
				}
				for _, spec := range gd.Specs {
					vs := spec.(*ast.ValueSpec)
					for i, v := range vs.Values {
						lit, ok := v.(*ast.BasicLit)
						if !ok || lit.Kind != token.STRING {
							continue
						}
						s, _ := strconv.Unquote(lit.Value)
						if !strings.HasPrefix(s, "healthhub:") {
							continue
						}
						inConst[lit] = true
						consts = append(consts, tokenConst{dir, vs.Names[i].Name, s})
					}
				}
			}
			ast.Inspect(f, func(n ast.Node) bool {
				switch n := n.(type) {
				case *ast.BasicLit:
					if s, _ := strconv.Unquote(n.Value); n.Kind == token.STRING && strings.HasPrefix(s, "healthhub:") && !inConst[n] {
						problems = append(problems, fmt.Sprintf("%s: token literal %s outside a constant", dir, n.Value))
					}
				case *ast.CallExpr:
					sel, ok := n.Fun.(*ast.SelectorExpr)
					if !ok || (sel.Sel.Name != "Register" && sel.Sel.Name != "RegisterComponentResource") || len(n.Args) < 2 {
						break
					}
					if id, ok := n.Args[1].(*ast.Ident); ok {
						registered[dir+"."+id.Name] = true
					} else if _, lit := n.Args[1].(*ast.BasicLit); lit {
						problems = append(problems, fmt.Sprintf("%s: %s registers a literal token", dir, sel.Sel.Name))
					}
				}
				return true
			})
		}
	}
	seen := map[string]string{}
	for _, c := range consts {
		where := c.pkg + "." + c.name
		if other, dup := seen[c.value]; dup {
			problems = append(problems, fmt.Sprintf("%s: %q is also %s", where, c.value, other))
		}
		seen[c.value] = where
		m := tokenShape.FindStringSubmatch(c.value)
		if m == nil {
			problems = append(problems, fmt.Sprintf("%s: %q is not healthhub:<cloud>:<Name>", where, c.value))
			continue
		}
		if cloud := strings.Split(c.pkg, "/")[0]; m[1] != cloud {
			problems = append(problems, fmt.Sprintf("%s: %q is in module %s, the package is %s's", where, c.value, m[1], cloud))
		}
		if want := "Type" + c.value[strings.LastIndex(c.value, ":")+1:]; c.name != want {
			problems = append(problems, fmt.Sprintf("%s: %q should be named %s", where, c.value, want))
		}
		if !registered[where] {
			problems = append(problems, fmt.Sprintf("%s: %q is registered by no component", where, c.value))
		}
	}
	return consts, problems
}

// componentPackages parses the non-test Go files of every package under components/ but the
// kit.
func componentPackages(t *testing.T) map[string][]*ast.File {
	t.Helper()
	root := ".."
	fset := token.NewFileSet()
	pkgs := map[string][]*ast.File{}
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(root, path)
		if d.IsDir() && (rel == "kit" || strings.HasPrefix(rel, "kit"+string(filepath.Separator))) {
			return filepath.SkipDir
		}
		if d.IsDir() || !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") {
			return nil
		}
		f, err := parser.ParseFile(fset, path, nil, 0)
		if err != nil {
			return err
		}
		dir := filepath.ToSlash(filepath.Dir(rel))
		pkgs[dir] = append(pkgs[dir], f)
		return nil
	})
	require.NoError(t, err)
	return pkgs
}

func TestComponentTokens(t *testing.T) {
	consts, problems := tokenProblems(componentPackages(t))
	assert.Empty(t, problems)
	var got []string
	for _, c := range consts {
		got = append(got, c.value)
	}
	slices.Sort(got)
	assert.Equal(t, deployedTokens, got, "a token added, dropped or renamed changes URNs")
}

func TestTokenProblems(t *testing.T) {
	const ok = `package aws
const TypeKeys = "healthhub:aws:Keys"
func NewKeys() { kit.Register(ctx, TypeKeys, name, args, k) }
`
	tests := []struct {
		name string
		pkgs map[string]string // directory → one file's source
		want string
	}{
		{"clean", map[string]string{"aws": ok}, ""},
		{"duplicate across packages", map[string]string{"aws": ok, "aws/serverless": `package serverless
const TypeKeys = "healthhub:aws:Keys"
func NewKeys() { kit.Register(ctx, TypeKeys, name, args, k) }
`}, `aws/serverless.TypeKeys: "healthhub:aws:Keys" is also aws.TypeKeys`},
		{"literal in Register", map[string]string{"aws": `package aws
func NewKeys() { kit.Register(ctx, "healthhub:aws:Keys", name, args, k) }
`}, "aws: Register registers a literal token"},
		{"literal token elsewhere", map[string]string{"aws": ok + `var other = "healthhub:aws:Other"
`}, `aws: token literal "healthhub:aws:Other" outside a constant`},
		{"bad shape", map[string]string{"aws": `package aws
const TypeKeys = "healthhub:Keys"
func NewKeys() { kit.Register(ctx, TypeKeys, name, args, k) }
`}, `aws.TypeKeys: "healthhub:Keys" is not healthhub:<cloud>:<Name>`},
		{"another cloud's module", map[string]string{"gcp": `package gcp
const TypeKeys = "healthhub:aws:Keys"
func NewKeys() { kit.Register(ctx, TypeKeys, name, args, k) }
`}, `gcp.TypeKeys: "healthhub:aws:Keys" is in module aws, the package is gcp's`},
		{"misnamed constant", map[string]string{"aws": `package aws
const KeysToken = "healthhub:aws:Keys"
func NewKeys() { kit.Register(ctx, KeysToken, name, args, k) }
`}, `aws.KeysToken: "healthhub:aws:Keys" should be named TypeKeys`},
		{"never registered", map[string]string{"aws": ok + `const TypeCache = "healthhub:aws:Cache"
`}, `aws.TypeCache: "healthhub:aws:Cache" is registered by no component`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fset := token.NewFileSet()
			pkgs := map[string][]*ast.File{}
			for dir, src := range tt.pkgs {
				f, err := parser.ParseFile(fset, dir+".go", src, 0)
				require.NoError(t, err)
				pkgs[dir] = []*ast.File{f}
			}
			_, problems := tokenProblems(pkgs)
			if tt.want == "" {
				assert.Empty(t, problems)
				return
			}
			assert.Contains(t, problems, tt.want)
		})
	}
}
