package main

import (
	"encoding/json"
	"fmt"
	"os"

	yaml "gopkg.in/yaml.v2"
)

// parseYAMLMap reads YAML the way helm does (sigs.k8s.io/yaml: YAML 1.1 through JSON), so numbers become float64.
func parseYAMLMap(raw []byte) (map[string]interface{}, error) {
	var doc interface{}
	if err := yaml.Unmarshal(raw, &doc); err != nil {
		return nil, err
	}
	if doc == nil {
		return map[string]interface{}{}, nil
	}
	asJSON, err := json.Marshal(stringKeys(doc))
	if err != nil {
		return nil, err
	}
	out := map[string]interface{}{}
	if err := json.Unmarshal(asJSON, &out); err != nil {
		return nil, fmt.Errorf("not a mapping: %w", err)
	}
	return out, nil
}

func stringKeys(v interface{}) interface{} {
	switch t := v.(type) {
	case map[interface{}]interface{}:
		m := make(map[string]interface{}, len(t))
		for k, val := range t {
			m[fmt.Sprint(k)] = stringKeys(val)
		}
		return m
	case map[string]interface{}:
		m := make(map[string]interface{}, len(t))
		for k, val := range t {
			m[k] = stringKeys(val)
		}
		return m
	case []interface{}:
		l := make([]interface{}, len(t))
		for i, val := range t {
			l[i] = stringKeys(val)
		}
		return l
	default:
		return v
	}
}

// coalesceValues merges the -f files over the chart's values like helm: maps merge deeply, anything else replaces,
// and a null removes the chart's default.
func coalesceValues(defaults map[string]interface{}, valueFiles []string) (map[string]interface{}, error) {
	merged := defaults
	for _, file := range valueFiles {
		raw, err := os.ReadFile(file)
		if err != nil {
			return nil, err
		}
		user, err := parseYAMLMap(raw)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", file, err)
		}
		merged = mergeValues(merged, user)
	}
	return dropNulls(merged), nil
}

func mergeValues(base, over map[string]interface{}) map[string]interface{} {
	out := make(map[string]interface{}, len(base))
	for k, v := range base {
		out[k] = v
	}
	for k, v := range over {
		baseMap, baseIsMap := out[k].(map[string]interface{})
		overMap, overIsMap := v.(map[string]interface{})
		if baseIsMap && overIsMap {
			out[k] = mergeValues(baseMap, overMap)
		} else {
			out[k] = v
		}
	}
	return out
}

func dropNulls(m map[string]interface{}) map[string]interface{} {
	for k, v := range m {
		if v == nil {
			delete(m, k)
		} else if sub, ok := v.(map[string]interface{}); ok {
			m[k] = dropNulls(sub)
		}
	}
	return m
}
