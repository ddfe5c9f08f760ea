package dev.ebpf4j.btf.core;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class EssentialNameTest {
    @Test
    void theLastFlavorSuffixIsDropped() {
        assertEquals("task_struct", EssentialName.of("task_struct___old"));
        assertEquals("task_struct", EssentialName.of("task_struct"));
        assertEquals("a___b", EssentialName.of("a___b___c"));
        assertEquals("nf_conn", EssentialName.of("nf_conn___init"));
        assertEquals("x", EssentialName.of("x___2"));
    }

    @Test
    void onlyThreeUnderscoresBetweenOtherCharactersSeparateAFlavor() {
        assertEquals("a____b", EssentialName.of("a____b"));       // four underscores
        assertEquals("a__b", EssentialName.of("a__b"));
        assertEquals("___b", EssentialName.of("___b"));           // nothing before
        assertEquals("a___", EssentialName.of("a___"));           // nothing after
        assertEquals("a", EssentialName.of("a___b_"));          // the suffix may contain single underscores
        assertEquals("sym", EssentialName.of("sym___kernel_sigreturn"));
        assertEquals("", EssentialName.of(""));
    }

    @Test
    void comparisons() {
        assertTrue(EssentialName.same("pid_type___v2", "pid_type"));
        assertTrue(EssentialName.same("pid_type___v2", "pid_type___v3"));
        assertFalse(EssentialName.same("pid_type", "pid_types"));
        assertTrue(EssentialName.matchesOrAnonymous("", "anything"));
        assertTrue(EssentialName.hasFlavor("a___b"));
        assertFalse(EssentialName.hasFlavor("a____b"));
    }
}
