//go:build !unix

package main

// inheritNothing does nothing where the plugin's children inherit only the
// handles they are given (Windows).
func inheritNothing() {}
