package io.leakwatch.queryapi;

import io.leakwatch.store.jfr.Attribution;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.util.List;

/**
 * The JSON of {@code GET /api/v1/instances/{id}/attribution}, as openapi.json's {@code Attribution} schema
 * describes it. Stack hashes are strings because they are 64-bit and JavaScript numbers are not.
 */
final class AttributionJson {

    private AttributionJson() {
    }

    static JsonObject attribution(Attribution a) {
        JsonArray classes = new JsonArray();
        for (Attribution.ClassGrowth c : a.classes()) {
            classes.add(new JsonObject()
                    .put("className", c.className())
                    .put("samples", c.samples())
                    .put("baselineSamples", c.baselineSamples())
                    .put("perSnapshot", AnalysisJson.finite(c.perSnapshot()))
                    .put("baselinePerSnapshot", AnalysisJson.finite(c.baselinePerSnapshot()))
                    .put("growthPerSnapshot", AnalysisJson.finite(c.perSnapshot() - c.baselinePerSnapshot()))
                    .put("share", AnalysisJson.finite(c.share()))
                    .put("baselineShare", AnalysisJson.finite(c.baselineShare()))
                    .put("newSinceBaseline", c.baselineSamples() == 0)
                    .put("oldObjectStacks", stacks(c.oldObjectStacks()))
                    .put("allocationStacks", stacks(c.allocationStacks()))
                    .put("referenceTree", node(c.referenceTree())));
        }
        return new JsonObject()
                .put("instance", a.instance())
                .put("from", AnalysisJson.time(a.fromMillis()))
                .put("to", AnalysisJson.time(a.toMillis()))
                .put("baselineFrom", AnalysisJson.time(a.baselineFromMillis()))
                .put("baselineTo", AnalysisJson.time(a.baselineToMillis()))
                .put("snapshots", a.snapshots())
                .put("baselineSnapshots", a.baselineSnapshots())
                .put("classes", classes);
    }

    private static JsonArray stacks(List<Attribution.StackCount> stacks) {
        JsonArray out = new JsonArray();
        for (Attribution.StackCount s : stacks) {
            out.add(new JsonObject()
                    .put("stackHash", Long.toUnsignedString(s.stackHash(), 16))
                    .put("samples", s.samples())
                    .put("weightBytes", s.weightBytes())
                    .put("frames", new JsonArray(s.frames())));
        }
        return out;
    }

    /** The store bounds the tree's depth and fan-out, so this recursion is bounded too. */
    private static JsonObject node(Attribution.RefNode n) {
        if (n == null) {
            return null;
        }
        JsonArray children = new JsonArray();
        for (Attribution.RefNode child : n.children()) {
            children.add(node(child));
        }
        return new JsonObject().put("label", n.label()).put("count", n.count()).put("children", children);
    }
}
