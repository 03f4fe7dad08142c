package com.intellidial.simulator.vapi;

/** How a VAPI family answers {@code GET /family}. */
enum ListShape {

    /** A bare JSON array, limited by {@code limit}. */
    BARE,

    /** {@code {"results":[...],"metadata":{...}}}, paged by {@code page} and {@code limit}. */
    PAGINATED
}
