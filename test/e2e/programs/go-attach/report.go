package main

import (
	"strings"

	"github.com/pulumi/pulumi/sdk/v3/go/auto"
	"github.com/pulumi/pulumi/sdk/v3/go/auto/events"
)

// plannedStep is one step the engine planned for a resource of the program (a resource pre-event),
// other than `same`; the stack itself and provider resources are left out.
type plannedStep struct {
	Op   string `json:"op"`
	Name string `json:"name"`
	Type string `json:"type"`
	// Keys are the properties whose change causes a replacement.
	Keys []string `json:"keys"`
	// DetailedDiff maps each changed property path to its kind (`update`, `update-replace`, ...).
	DetailedDiff map[string]string `json:"detailedDiff,omitempty"`
}

// outputValue is a stack output in plain text, and whether the engine holds it as a secret.
type outputValue struct {
	Value  any  `json:"value"`
	Secret bool `json:"secret"`
}

// summary is the part of an update summary the tests read.
type summary struct {
	Result          string          `json:"result"`
	ResourceChanges *map[string]int `json:"resourceChanges,omitempty"`
}

func summaryOf(s auto.UpdateSummary) summary {
	return summary{Result: s.Result, ResourceChanges: s.ResourceChanges}
}

func outputsOf(outputs auto.OutputMap) map[string]outputValue {
	values := map[string]outputValue{}
	for key, output := range outputs {
		values[key] = outputValue{Value: output.Value, Secret: output.Secret}
	}
	return values
}

// collectSteps reads engine events until the channel is closed (the Automation API closes it when
// the operation ends) and sends the steps on done.
func collectSteps(stream <-chan events.EngineEvent, done chan<- []plannedStep) {
	steps := []plannedStep{}
	for event := range stream {
		if event.ResourcePreEvent == nil {
			continue
		}
		meta := event.ResourcePreEvent.Metadata
		if string(meta.Op) == "same" || meta.Type == "pulumi:pulumi:Stack" || strings.HasPrefix(meta.Type, "pulumi:providers:") {
			continue
		}
		step := plannedStep{Op: string(meta.Op), Name: meta.URN[strings.LastIndex(meta.URN, "::")+2:], Type: meta.Type, Keys: meta.Keys}
		if step.Keys == nil {
			step.Keys = []string{}
		}
		if len(meta.DetailedDiff) > 0 {
			step.DetailedDiff = map[string]string{}
			for path, diff := range meta.DetailedDiff {
				step.DetailedDiff[path] = string(diff.Kind)
			}
		}
		steps = append(steps, step)
	}
	done <- steps
}
