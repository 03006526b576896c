package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"text/template"

	"github.com/Masterminds/sprig"
	yaml "gopkg.in/yaml.v2"
)

// funcMap is sprig's text functions without env/expandenv (helm removes them) plus the ones helm adds; include and
// tpl are bound to the template set at render time.
func funcMap() template.FuncMap {
	f := sprig.TxtFuncMap()
	delete(f, "env")
	delete(f, "expandenv")
	extra := template.FuncMap{
		"toYaml":        toYAML,
		"fromYaml":      fromYAML,
		"fromYamlArray": fromYAMLArray,
		"toJson":        toJSON,
		"fromJson":      fromJSON,
		"fromJsonArray": fromJSONArray,
		"required":      required,
		"lookup": func(string, string, string, string) (map[string]interface{}, error) {
			return nil, errors.New("lookup is not supported by helm-render (no cluster)")
		},
		"include": func(string, interface{}) (string, error) { return "", errors.New("include not bound") },
		"tpl":     func(string, interface{}) (string, error) { return "", errors.New("tpl not bound") },
	}
	for k, v := range extra {
		f[k] = v
	}
	return f
}

// toYAML is helm's toYaml: sigs.k8s.io/yaml (JSON first, so keys sort and numbers print plainly), trailing newline cut.
func toYAML(v interface{}) string {
	asJSON, err := json.Marshal(v)
	if err != nil {
		return ""
	}
	var doc interface{}
	if err := yaml.Unmarshal(asJSON, &doc); err != nil {
		return ""
	}
	out, err := yaml.Marshal(doc)
	if err != nil {
		return ""
	}
	return strings.TrimSuffix(string(out), "\n")
}

func fromYAML(s string) map[string]interface{} {
	m, err := parseYAMLMap([]byte(s))
	if err != nil {
		return map[string]interface{}{"Error": err.Error()}
	}
	return m
}

func fromYAMLArray(s string) []interface{} {
	var doc interface{}
	if err := yaml.Unmarshal([]byte(s), &doc); err != nil {
		return []interface{}{err.Error()}
	}
	asJSON, err := json.Marshal(stringKeys(doc))
	if err != nil {
		return []interface{}{err.Error()}
	}
	var out []interface{}
	if err := json.Unmarshal(asJSON, &out); err != nil {
		return []interface{}{err.Error()}
	}
	return out
}

func toJSON(v interface{}) string {
	out, err := json.Marshal(v)
	if err != nil {
		return ""
	}
	return string(out)
}

func fromJSON(s string) map[string]interface{} {
	m := map[string]interface{}{}
	if err := json.Unmarshal([]byte(s), &m); err != nil {
		m["Error"] = err.Error()
	}
	return m
}

func fromJSONArray(s string) []interface{} {
	var a []interface{}
	if err := json.Unmarshal([]byte(s), &a); err != nil {
		a = []interface{}{err.Error()}
	}
	return a
}

func required(msg string, v interface{}) (interface{}, error) {
	if v == nil {
		return v, errors.New(msg)
	}
	if s, ok := v.(string); ok && s == "" {
		return v, errors.New(msg)
	}
	return v, nil
}

// bindTemplateFuncs gives a template set its own include and tpl (tpl parses the text next to the chart's templates).
func bindTemplateFuncs(t *template.Template, sources []chartTemplate) {
	includeDepth := map[string]int{}
	t.Funcs(template.FuncMap{
		"include": func(name string, data interface{}) (string, error) {
			if includeDepth[name] > 1000 {
				return "", fmt.Errorf("rendering template has a nested reference name: %s", name)
			}
			includeDepth[name]++
			defer func() { includeDepth[name]-- }()
			var buf bytes.Buffer
			if err := t.ExecuteTemplate(&buf, name, data); err != nil {
				return "", err
			}
			return buf.String(), nil
		},
		"tpl": func(text string, data interface{}) (string, error) {
			inner, err := newTemplateSet(sources)
			if err != nil {
				return "", err
			}
			if _, err := inner.New("tpl").Parse(text); err != nil {
				return "", fmt.Errorf("cannot parse template %q: %w", text, err)
			}
			var buf bytes.Buffer
			if err := inner.ExecuteTemplate(&buf, "tpl", data); err != nil {
				return "", fmt.Errorf("error calling tpl: %w", err)
			}
			return strings.ReplaceAll(buf.String(), "<no value>", ""), nil
		},
	})
}
