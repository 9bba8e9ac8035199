package aws

import "fmt"

// argError names the component, the argument, the value given and what is allowed.
func argError(component, arg string, value any, allowed string, args ...any) error {
	return fmt.Errorf("%s: %s = %v: %s", component, arg, value, fmt.Sprintf(allowed, args...))
}
