#!/usr/bin/python3
"""Asks the windows of process PID to close, as a window manager does when a
person clicks a window's close button: a WM_DELETE_WINDOW client message.
(Xvfb runs no window manager; xdotool can only destroy a window.)
Usage: close-window.py PID    Exit 1 when the process has no window."""
import sys

from Xlib import X, display, protocol

pid = int(sys.argv[1])
d = display.Display()
net_wm_pid = d.intern_atom("_NET_WM_PID")
protocols = d.intern_atom("WM_PROTOCOLS")
delete = d.intern_atom("WM_DELETE_WINDOW")


def windows(w):
    yield w
    for child in w.query_tree().children:
        yield from windows(child)


sent = 0
for w in windows(d.screen().root):
    prop = w.get_full_property(net_wm_pid, X.AnyPropertyType)
    if not prop or prop.value[0] != pid:
        continue
    wm_protocols = w.get_wm_protocols() or []
    if delete not in wm_protocols:
        continue
    event = protocol.event.ClientMessage(window=w, client_type=protocols, data=(32, [delete, X.CurrentTime, 0, 0, 0]))
    w.send_event(event, event_mask=X.NoEventMask)
    sent += 1
d.flush()
sys.exit(0 if sent else 1)
