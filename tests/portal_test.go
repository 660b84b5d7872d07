package tests

import (
	"bytes"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"golang.org/x/net/html"
)

const site = "../portal/public"

// page is one built HTML page: its ids, its links and its images.
type page struct {
	ids    map[string]bool
	links  []string
	noAlt  []string
	images []string
}

func readSite(t *testing.T) map[string]*page {
	t.Helper()
	if _, err := os.Stat(filepath.Join(site, "index.html")); err != nil {
		t.Fatalf("the portal is not built (make test builds it with make portal): %v", err)
	}
	pages := map[string]*page{}
	walkErr := filepath.WalkDir(site, func(p string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(p, ".html") {
			return err
		}
		raw, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		doc, err := html.Parse(bytes.NewReader(raw))
		if err != nil {
			t.Fatalf("%s: %v", p, err)
		}
		pg := &page{ids: map[string]bool{}}
		var walk func(n *html.Node)
		walk = func(n *html.Node) {
			if n.Type == html.ElementNode {
				attrs := map[string]string{}
				for _, a := range n.Attr {
					attrs[a.Key] = a.Val
				}
				if id, ok := attrs["id"]; ok {
					pg.ids[id] = true
				}
				switch n.Data {
				case "a":
					if h, ok := attrs["href"]; ok {
						pg.links = append(pg.links, h)
					}
				case "link", "script":
					for _, k := range []string{"href", "src"} {
						if v, ok := attrs[k]; ok {
							pg.links = append(pg.links, v)
						}
					}
				case "img":
					pg.images = append(pg.images, attrs["src"])
					pg.links = append(pg.links, attrs["src"])
					if strings.TrimSpace(attrs["alt"]) == "" {
						pg.noAlt = append(pg.noAlt, attrs["src"])
					}
				}
			}
			for c := n.FirstChild; c != nil; c = c.NextSibling {
				walk(c)
			}
		}
		walk(doc)
		rel, _ := filepath.Rel(site, p)
		pages["/"+filepath.ToSlash(rel)] = pg
		return nil
	})
	if walkErr != nil {
		t.Fatal(walkErr)
	}
	return pages
}

// Every operation in the spec has its entry on exactly one page of the built
// API reference (one page per resource), with its samples in curl, Go and
// Node; every schema has its entry on the schemas page.
func TestPortalReferenceHasEveryOperation(t *testing.T) {
	pages := readSite(t)
	if pages["/reference/index.html"] == nil {
		t.Fatal("no /reference/index.html in the built site")
	}
	texts := map[string]string{}
	for rel := range pages {
		if strings.HasPrefix(rel, "/reference/") && strings.Count(rel, "/") == 3 {
			raw, _ := os.ReadFile(filepath.Join(site, filepath.FromSlash(rel)))
			// The samples are highlighted (spans and entities): read the page's text.
			texts[rel] = html.UnescapeString(regexp.MustCompile(`<[^>]*>`).ReplaceAllString(string(raw), ""))
		}
	}
	spec := loadSpec(t)
	n := 0
	for path, item := range spec.Paths.Map() {
		for method, op := range item.Operations() {
			n++
			var on []string
			for rel, pg := range pages {
				if texts[rel] != "" && pg.ids[op.OperationID] {
					on = append(on, rel)
				}
			}
			if len(on) != 1 {
				t.Errorf("%s %s (%s) is on %d resource pages %v; want one", method, path, op.OperationID, len(on), on)
				continue
			}
			// Path parameters are shell variables (${WALLET_ID}), required
			// query parameters follow: the curl line runs as pasted; the Go
			// and Node samples name the same URL.
			text := texts[on[0]]
			url := regexp.MustCompile(`\\\{[a-z_]+\\\}`).ReplaceAllString(regexp.QuoteMeta(path), `\$\{[A-Z_]+\}`)
			for lang, re := range map[string]*regexp.Regexp{
				"curl": regexp.MustCompile(`"\$API` + url + `(\?[^"]*)?"`),
				"node": regexp.MustCompile("`\\$\\{API\\}" + url + "(\\?[^`]*)?`"),
			} {
				if !re.MatchString(text) {
					t.Errorf("%s %s has no %s sample on %s", method, path, lang, on[0])
				}
			}
			if !strings.Contains(text, "http.NewRequest(\""+method+"\"") {
				t.Errorf("%s %s: no Go sample on %s", method, path, on[0])
			}
		}
	}
	schemas := pages["/reference/schemas/index.html"]
	if schemas == nil {
		t.Fatal("no /reference/schemas/ page")
	}
	for name := range spec.Components.Schemas {
		if !schemas.ids["schema-"+name] {
			t.Errorf("schema %s has no entry", name)
		}
	}
	if n < 10 || len(texts) < 10 {
		t.Fatalf("only %d operations in the spec, %d reference pages", n, len(texts))
	}
}

var externalLink = regexp.MustCompile(`^[a-z][a-z0-9+.-]*:`)

// No internal link or anchor of the built site is broken, and every image
// has alt text.
func TestPortalLinksAndAnchors(t *testing.T) {
	pages := readSite(t)
	checked := 0
	for from, pg := range pages {
		for _, img := range pg.noAlt {
			t.Errorf("%s: image %s has no alt text", from, img)
		}
		for _, link := range pg.links {
			if link == "" || externalLink.MatchString(link) {
				continue
			}
			u, err := url.Parse(link)
			if err != nil {
				t.Errorf("%s: bad link %q", from, link)
				continue
			}
			target := from
			if u.Path != "" {
				p := u.Path
				if !strings.HasPrefix(p, "/") {
					p = filepath.ToSlash(filepath.Join(filepath.Dir(from), p))
				}
				if strings.HasSuffix(p, "/") {
					p += "index.html"
				}
				target = p
				if _, ok := pages[target]; !ok {
					if _, err := os.Stat(filepath.Join(site, filepath.FromSlash(p))); err != nil {
						if _, ok := pages[p+"/index.html"]; !ok {
							t.Errorf("%s: link %q leads nowhere", from, link)
							continue
						}
						target = p + "/index.html"
					}
				}
			}
			if u.Fragment != "" {
				tp := pages[target]
				if tp == nil || !tp.ids[u.Fragment] {
					t.Errorf("%s: anchor %q is not on %s", from, link, target)
				}
			}
			checked++
		}
	}
	if checked < 30 {
		t.Fatalf("only %d internal links checked", checked)
	}
	t.Logf("%d internal links and anchors checked across %d pages", checked, len(pages))
}

// The deployment guide explains every parameter the template takes.
func TestPortalGuideNamesEveryTemplateParameter(t *testing.T) {
	raw, err := os.ReadFile(filepath.Join(site, "guides", "going-to-aws", "index.html"))
	if err != nil {
		t.Fatalf("no going-to-aws guide in the built site: %v", err)
	}
	tpl := loadTemplate(t)
	if len(tpl.Parameters) < 10 {
		t.Fatalf("only %d template parameters read", len(tpl.Parameters))
	}
	for name := range tpl.Parameters {
		if !strings.Contains(string(raw), "<code>"+name+"</code>") {
			t.Errorf("template parameter %s is not in the deployment guide", name)
		}
	}
}
