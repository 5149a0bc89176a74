#!/bin/sh
# The probe's helper in the guest: swap the device-mapper table so that exactly the given
# sectors fail (dm "error" target), swap it back, or remount.  --nolockfs: a plain suspend
# would freeze the file system and write the dirty pages out before the error is live.
# Environment: FSM_DEV (the disk), FSM_FIRST and FSM_SECTORS (the file system's sectors on
# it), FSM_DM (the dm device), FSM_MNT (the mount point), FSM_FS and FSM_OPTS (type and mount
# options).
set -e
linear() { echo "0 $FSM_SECTORS linear $FSM_DEV $FSM_FIRST"; }
swap() { dmsetup suspend --nolockfs "$FSM_DM"; dmsetup load "$FSM_DM"; dmsetup resume --nolockfs "$FSM_DM"; }
case "$1" in
fail)
    end=$(($2 + $3))
    printf '0 %s linear %s %s\n%s %s error\n%s %s linear %s %s\n' \
        "$2" "$FSM_DEV" "$FSM_FIRST" "$2" "$3" "$end" "$((FSM_SECTORS - end))" "$FSM_DEV" \
        "$((FSM_FIRST + end))" | swap ;;
heal) linear | swap ;;
cut) echo "0 $FSM_SECTORS error" | swap ;;   # power loss: nothing reaches the disk any more
remount) umount "$FSM_MNT" && mount -t "$FSM_FS" -o "$FSM_OPTS" "/dev/mapper/$FSM_DM" "$FSM_MNT" ;;
*) exit 2 ;;
esac
