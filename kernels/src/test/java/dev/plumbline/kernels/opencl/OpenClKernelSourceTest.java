package dev.plumbline.kernels.opencl;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Guards the workaround for the PoCL 3.1 defect that crashed the JVM (kernels/src/test/pocl/): in
 * no kernel of the {@code .cl} resources may a barrier — {@code barrier(...)} or a work-group
 * reduction {@code pl_wg_*(...)} — sit inside an {@code if}/{@code else} arm or follow an early
 * {@code return}, even when the condition is uniform. Barriers inside loops with a uniform trip
 * count (the reductions' own tree loops) are allowed. Runs without any OpenCL platform.
 */
class OpenClKernelSourceTest {
    private static final String[] FILES = {"common.cl", "elementwise.cl", "matmul.cl", "random.cl", "adamw.cl",
            "layernorm.cl", "reduce.cl", "index.cl", "softmax.cl", "attention.cl"};
    private static final Pattern KERNEL = Pattern.compile("__kernel\\s+void\\s+(\\w+)\\s*\\(");
    private static final Pattern BARRIER = Pattern.compile("\\b(barrier|pl_wg_\\w+)\\s*\\(");

    /** The source without comments (so that words in comments are not code). */
    static String code(String s) {
        return s.replaceAll("(?s)/\\*.*?\\*/", " ").replaceAll("//[^\\n]*", " ");
    }

    /** "kernel: what" for each barrier under a branch or after a return in {@code source}'s kernels. */
    static List<String> violations(String source) {
        String s = code(source);
        List<String> out = new ArrayList<>();
        Matcher k = KERNEL.matcher(s);
        while (k.find()) {
            int open = s.indexOf('{', k.end());
            int depth = 0;
            int end = open;
            List<Boolean> branchBlock = new ArrayList<>();   // per open brace: is it an if/else arm?
            boolean returned = false;
            for (int i = open; i < s.length(); i++) {
                char c = s.charAt(i);
                if (c == '{') {
                    String before = s.substring(Math.max(open, i - 200), i).trim();
                    boolean arm = depth > 0 && (before.endsWith("else") || isIfHeader(before));
                    branchBlock.add(arm);
                    depth++;
                } else if (c == '}') {
                    depth--;
                    branchBlock.remove(branchBlock.size() - 1);
                    if (depth == 0) {
                        end = i;
                        break;
                    }
                } else if (s.startsWith("return", i) && !Character.isJavaIdentifierPart(s.charAt(i + 6))
                        && !Character.isJavaIdentifierPart(s.charAt(i - 1))) {
                    returned = true;
                } else {
                    Matcher b = BARRIER.matcher(s).region(i, Math.min(s.length(), i + 60));
                    if ((i == 0 || !Character.isJavaIdentifierPart(s.charAt(i - 1))) && b.lookingAt()) {
                        String stmtStart = s.substring(Math.max(open, lastStatementBoundary(s, i)), i).trim();
                        if (branchBlock.contains(Boolean.TRUE) || stmtStart.startsWith("if") || stmtStart.startsWith("else")) {
                            out.add(k.group(1) + ": " + b.group(1) + " under a branch");
                        } else if (returned) {
                            out.add(k.group(1) + ": " + b.group(1) + " after an early return");
                        }
                        i += b.group(1).length();
                    }
                }
            }
            k.region(end, s.length());
        }
        return out;
    }

    private static boolean isIfHeader(String before) {
        if (!before.endsWith(")")) {
            return false;
        }
        int depth = 0;
        for (int i = before.length() - 1; i >= 0; i--) {
            char c = before.charAt(i);
            if (c == ')') {
                depth++;
            } else if (c == '(' && --depth == 0) {
                String head = before.substring(0, i).trim();
                return head.endsWith("if");
            }
        }
        return false;
    }

    private static int lastStatementBoundary(String s, int i) {
        for (int j = i - 1; j >= 0; j--) {
            char c = s.charAt(j);
            if (c == ';' || c == '{' || c == '}') {
                return j + 1;
            }
        }
        return 0;
    }

    @Test
    void noKernelPutsABarrierUnderABranchOrAfterAReturn() {
        List<String> all = new ArrayList<>();
        int kernels = 0;
        for (String f : FILES) {
            String src = OpenClPrograms.resource(f);
            Matcher m = KERNEL.matcher(code(src));
            while (m.find()) {
                kernels++;
            }
            for (String v : violations(src)) {
                all.add(f + " " + v);
            }
        }
        assertTrue(kernels > 20, "found the kernels: " + kernels);
        assertEquals(List.of(), all, "barriers PoCL 3.1 miscompiles (see kernels/src/test/pocl/README.md)");
    }

    @Test
    void theCheckFindsTheShapesThatCrashedPocl() {
        String before = "__kernel void a(int f) { __local float s[WG]; float x = 0;\n"
                + "  if (f) { x = pl_wg_sum(x, s); } else { x = pl_wg_sum(2 * x, s); } }\n"
                + "__kernel void b(int op) { __local float s[WG]; if (op == 0) { pl_wg_sum(1, s); return; }\n"
                + "  barrier(CLK_LOCAL_MEM_FENCE); }\n"
                + "__kernel void c(int f) { if (f) barrier(CLK_LOCAL_MEM_FENCE); }\n"
                + "__kernel void ok(int n) { __local float s[WG]; float x = 0; for (int j = 0; j < n; j++) x += j;\n"
                + "  x = pl_wg_sum(x, s); for (int h = 1; h < WG; h <<= 1) { if (h < n) x += 1; barrier(CLK_LOCAL_MEM_FENCE); }\n"
                + "  if (x > 0) { x = 1; } }\n";
        assertEquals(List.of("a: pl_wg_sum under a branch", "a: pl_wg_sum under a branch", "b: pl_wg_sum under a branch",
                "b: barrier after an early return", "c: barrier under a branch"), violations(before));
    }
}
