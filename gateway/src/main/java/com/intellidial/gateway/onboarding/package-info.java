/**
 * Onboarding: one admin call takes a client from nothing to placing a call, as a saga whose every
 * step is recorded before the next starts, compensated in reverse on failure, and resumed after a
 * crash.
 */
@NullMarked
package com.intellidial.gateway.onboarding;

import org.jspecify.annotations.NullMarked;
