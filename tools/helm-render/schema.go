package main

import (
	"fmt"
	"strings"

	"github.com/xeipuuv/gojsonschema"
)

// validateValues checks the coalesced values against values.schema.json with the library helm 3 uses, and words the
// failure like helm does.
func validateValues(ch *loadedChart, values map[string]interface{}) error {
	if ch.schema == nil {
		return nil
	}
	result, err := gojsonschema.Validate(gojsonschema.NewBytesLoader(ch.schema), gojsonschema.NewGoLoader(values))
	if err != nil {
		return fmt.Errorf("values.schema.json: %w", err)
	}
	if result.Valid() {
		return nil
	}
	var b strings.Builder
	fmt.Fprintf(&b, "values don't meet the specifications of the schema(s) in the following chart(s):\n%s:\n", ch.metadata.Name)
	for _, e := range result.Errors() {
		fmt.Fprintf(&b, "- %s\n", e)
	}
	return fmt.Errorf("%s", b.String())
}
